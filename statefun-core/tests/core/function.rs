//! What a function body may return, as the dispatcher receives it.

use statefun_core::IntoFunctionResult;

#[test]
fn a_function_body_returns_unit_or_a_result_whose_error_is_kept() {
    assert!(().into_function_result().is_ok());
    assert!(Ok::<(), std::io::Error>(()).into_function_result().is_ok());
    let error = Err::<(), _>(std::io::Error::other("disk on fire"))
        .into_function_result()
        .unwrap_err();
    assert_eq!(error.to_string(), "disk on fire");
    let error = Err::<(), _>("refused").into_function_result().unwrap_err();
    assert_eq!(error.to_string(), "refused");
}
