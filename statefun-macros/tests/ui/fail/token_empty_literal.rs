use statefun::CancellationToken;

const REMINDER: CancellationToken = CancellationToken::from_static("");

fn main() {
    let _ = REMINDER;
}
