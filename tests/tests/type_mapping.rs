//! Decoding through the type-mapping table, end to end: a generated client (the `types` fixture) reads real JSON
//! from a server on 127.0.0.1 into merged `allOf` structs, maps, base64, forgiving dates, boxed recursion and a
//! discriminated union with its untyped fallback.

use connector_runtime::Connection;
use connector_types_fixture::{Client, models};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn client(server: &MockServer) -> connector_runtime::Result<Client> {
    Ok(Client::new(Connection::direct(format!("{}/api", server.uri()))?.with_basic("user", "pass")))
}

#[tokio::test]
async fn all_of_maps_dates_and_base64() -> TestResult {
    let server = MockServer::start().await;
    let body = json!({
        "id": "t-1", "kind": "thing", "count": 3, "total": 9007199254740993i64, "ratio": 0.5, "flagged": true,
        "when": "2024-05-01 10:00:00", "day": "2024-02-29", "blob": "aGk=",
        "labels": {"a": "x"}, "scores": {"b": 2}, "matrix": [[1.5, 2.0]], "maybe": null,
        "nested": {"inner": {"deep": "yes"}}, "dynamic": {"anything": [1, 2]}
    });
    Mock::given(path("/api/things")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let thing = client(&server).await?.get_thing().await?;
    assert_eq!((thing.id.as_str(), thing.kind.as_deref(), thing.count), ("t-1", Some("thing"), Some(3)));
    assert_eq!(thing.total, Some(9_007_199_254_740_993));
    assert_eq!(thing.when.and_then(|w| w.timestamp()).map(|t| t.as_second()), Some(1_714_557_600));
    assert_eq!(thing.day.and_then(|d| d.date()).map(|d| d.day()), Some(29));
    assert_eq!(thing.blob.and_then(|b| b.decode()), Some(b"hi".to_vec()));
    assert_eq!(thing.labels.and_then(|l| l.get("a").cloned()).as_deref(), Some("x"));
    assert_eq!(thing.scores.and_then(|s| s.get("b").copied()), Some(2));
    assert_eq!(thing.matrix, Some(vec![vec![1.5, 2.0]]));
    assert_eq!(thing.maybe, None);
    let deep = thing.nested.and_then(|n| n.inner).and_then(|i| i.deep);
    assert_eq!(deep.as_deref(), Some("yes"));
    assert_eq!(thing.dynamic, Some(json!({"anything": [1, 2]})));
    Ok(())
}

#[tokio::test]
async fn recursive_types_decode() -> TestResult {
    let server = MockServer::start().await;
    let body = json!({"name": "root", "children": [{"name": "leaf", "parent": {"name": "root"}}],
                      "owner": {"favourite": {"name": "leaf"}}});
    Mock::given(path("/api/trees")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let tree = client(&server).await?.get_tree().await?;
    let leaf = tree.children.as_ref().and_then(|c| c.first()).cloned().unwrap_or_default();
    assert_eq!(leaf.parent.and_then(|p| p.name).as_deref(), Some("root"));
    let favourite = tree.owner.and_then(|o| o.favourite).and_then(|f| f.name);
    assert_eq!(favourite.as_deref(), Some("leaf"));
    Ok(())
}

#[tokio::test]
async fn discriminated_union_picks_the_subtype_or_keeps_the_value() -> TestResult {
    let server = MockServer::start().await;
    let body = json!([{"kind": "dog", "name": "Rex", "barks": true}, {"kind": "Cat", "lives": 9}, {"kind": "fish"}]);
    Mock::given(path("/api/pets")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let pets = client(&server).await?.list_pets().await?;
    assert!(matches!(&pets[0], models::Pet::Dog(dog) if dog.barks == Some(true) && dog.name.as_deref() == Some("Rex")));
    assert!(matches!(&pets[1], models::Pet::Cat(cat) if cat.lives == Some(9)));
    assert_eq!(pets[2], models::Pet::Other(json!({"kind": "fish"})));
    // Encoding gives back what came in.
    assert_eq!(serde_json::to_value(&pets[2])?, json!({"kind": "fish"}));
    Ok(())
}
