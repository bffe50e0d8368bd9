//! A large state value and many concurrent requests.

use super::*;

// ---------------------------------------------------------------- size and load

#[test]
fn ten_mib_state_value_is_answered_200() {
    let blob = Blob(vec![42; 10 << 20].into());
    let body = request(
        "demo/sizer",
        "olga",
        vec![("blob", Some(typed(&blob))), ("size", None)],
    );
    let started = Instant::now();
    let answer = post(url(), &body);
    eprintln!("10 MiB request answered in {:?}", started.elapsed());
    assert_eq!(answer.status, 200);
    let mutations = mutations(&answer.body);
    assert_eq!(mutations.len(), 1, "only the changed cell comes back");
    assert_eq!(mutations[0].0, "size");
    assert_eq!(
        <i64 as Type>::decode(mutations[0].1.clone()).unwrap(),
        10 << 20
    );
}

#[test]
fn two_hundred_concurrent_requests_for_different_addresses() {
    let url = url();
    let started = Instant::now();
    let threads: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                let id = format!("user-{i}");
                let answer = post(url, &greet(&id, Some(i * 10)));
                (i, answer)
            })
        })
        .collect();
    for thread in threads {
        let (i, answer) = thread.join().unwrap();
        assert_eq!(answer.status, 200, "request {i}");
        assert_eq!(seen_in(&answer.body), i * 10 + 1, "request {i}");
    }
    eprintln!(
        "200 concurrent requests answered in {:?}",
        started.elapsed()
    );
}
