//! `cargo run -p trigger-demo`: polls Office 365 `OnNewEmailV3` and receives Teams webhook callbacks against a
//! fake connector service on 127.0.0.1, printing items as they arrive.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let state = std::env::temp_dir().join(format!("trigger-demo-{}", std::process::id()));
    let result = trigger_demo::run(&state).await;
    let _ = std::fs::remove_dir_all(&state);
    match result {
        Ok(seen) => {
            println!("{} emails, {} Teams messages", seen.emails.len(), seen.messages.len());
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
