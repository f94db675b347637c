//! The demo runs end to end and sees every item exactly as the fake connector sent it.

#[tokio::test]
async fn demo_polls_and_receives_webhooks() -> Result<(), Box<dyn std::error::Error>> {
    let state = std::env::temp_dir().join(format!("trigger-demo-test-{}", std::process::id()));
    let seen = trigger_demo::run(&state).await?;
    let _ = std::fs::remove_dir_all(&state);
    assert_eq!(seen.emails, ["Quarterly report", "Lunch?", "Re: Lunch?"]);
    assert_eq!(seen.messages, ["Hello team", "Ship it"]);
    assert!(seen.unsubscribed);
    Ok(())
}
