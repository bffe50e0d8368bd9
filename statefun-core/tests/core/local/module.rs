//! A run as the application's module.yaml says: egresses it does not declare fail the run.

use statefun_core::module::Module;

use super::*;

fn module(egresses: &[&str]) -> Module {
    let yaml: Vec<String> = egresses
        .iter()
        .map(|id| format!("kind: io.statefun.kafka.v1/egress\nspec:\n  id: {id}\n"))
        .collect();
    Module::parse(&yaml.join("---\n")).unwrap()
}

#[tokio::test]
async fn an_egress_the_module_does_not_declare_fails_the_run() {
    let mut rt = runtime().with_module(module(&["test/other", "test/more"]));
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    let error = rt.run_until_quiescent().await.unwrap_err();
    assert!(
        matches!(&error, LocalError::UndeclaredEgress { egress, .. } if *egress == EGRESS),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "test/counter/a sent to egress test/out, which the module does not declare (it declares: test/other, test/more): the StateFun runtime would fail the job"
    );
    assert!(
        rt.take_egress(&EGRESS).is_empty(),
        "nothing of the failed batch is kept"
    );

    // Declared: the records are captured.
    let mut rt = runtime().with_module(module(&["test/out"]));
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.take_egress(&EGRESS).len(), 2);

    // A module without egresses leaves them unchecked: they may be bound elsewhere.
    let mut rt = runtime().with_module(module(&[]));
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.take_egress(&EGRESS).len(), 2);
}
