use awc::http::StatusCode;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn create_show_edit_a_client() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let reply = app
        .submit(
            "/clients/new",
            "/clients",
            &[
                ("full_name", "Maria Jensen"),
                ("reference_code", "MJ-1"),
                ("date_of_birth", "1978-04-12"),
                ("sex", "F"),
                ("email", "maria@example.com"),
                ("phone", "+45 1234"),
                ("notes", "Night cramps <b>bold</b>"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let path = reply.location().to_string();
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Maria Jensen",
        "MJ-1",
        "1978-04-12",
        "Female",
        "maria@example.com",
        "+45 1234",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(
        page.body
            .contains("Night cramps &#60;b&#62;bold&#60;/b&#62;")
            || page.body.contains("Night cramps &lt;b&gt;"),
        "notes escaped"
    );

    let edited = app
        .submit(
            &format!("{path}/edit"),
            &format!("{path}/edit"),
            &[
                ("full_name", "Maria J. Jensen"),
                ("reference_code", "MJ-1"),
                ("sex", ""),
            ],
        )
        .await;
    assert_eq!(
        (edited.status, edited.location()),
        (StatusCode::SEE_OTHER, path.as_str())
    );
    let page = app.get(&path).await;
    assert!(page.body.contains("Maria J. Jensen") && page.body.contains("Not recorded"));
    assert!(
        !page.body.contains("maria@example.com"),
        "cleared fields are cleared"
    );
}

#[actix_web::test]
async fn invalid_input_rerenders_the_form_with_messages_and_input_kept() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let reply = app
        .submit(
            "/clients/new",
            "/clients",
            &[
                ("full_name", "  "),
                ("date_of_birth", "12/04/1978"),
                ("email", "maria at example"),
                ("notes", "keep me"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("Enter the client&#39;s name.")
            || reply.body.contains("Enter the client's name.")
    );
    assert!(reply.body.contains("is not a date: use YYYY-MM-DD."));
    assert!(reply.body.contains("value=\"maria at example\""));
    assert!(reply.body.contains(">keep me</textarea>"));
    let list = app.get("/clients").await;
    assert!(list.body.contains("No clients yet"), "nothing saved");
}

#[actix_web::test]
async fn reference_codes_are_unique_per_practitioner() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    app.submit(
        "/clients/new",
        "/clients",
        &[("full_name", "A"), ("reference_code", "R1")],
    )
    .await;
    let dup = app
        .submit(
            "/clients/new",
            "/clients",
            &[("full_name", "B"), ("reference_code", "R1")],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains("already has this reference code"));
    assert!(dup.body.contains("value=\"B\""));
}

#[actix_web::test]
async fn archive_hides_and_restore_brings_back_without_losing_anything() {
    let app = spawn_app().await;
    app.signed_in_practitioner("pat@example.com").await;
    let id = app.create_client("Archie Ved").await;
    let path = format!("/clients/{id}");
    let reply = app.submit(&path, &format!("{path}/archive"), &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(!app.get("/clients").await.body.contains("Archie Ved"));
    let archived = app.get("/clients?archived=1").await;
    assert!(archived.body.contains("Archie Ved"));
    let page = app.get(&path).await;
    assert!(page.body.contains("archived"));
    app.submit(&path, &format!("{path}/restore"), &[]).await;
    assert!(app.get("/clients").await.body.contains("Archie Ved"));
}

#[actix_web::test]
async fn list_is_searchable_and_paginated() {
    let app = spawn_app().await;
    let owner = app.signed_in_practitioner("pat@example.com").await;
    {
        let mut conn = app.pool.get().unwrap();
        for i in 0..60 {
            let name = format!("Client {i:02}");
            let fields = htma_tracker::db::clients::ClientFields {
                search_key: name.to_lowercase(),
                full_name: name,
                reference_code: Some(format!("REF{i:02}")),
                date_of_birth: None,
                sex: htma_tracker::domain::sex::Sex::Unrecorded,
                email: None,
                phone: None,
                notes: String::new(),
            };
            htma_tracker::service::commands::clients::apply(
                &mut conn,
                &htma_tracker::service::commands::Actor {
                    account_id: owner,
                    remote_addr: "test",
                },
                htma_tracker::db::ClientId::fresh(),
                htma_tracker::db::clients::ClientChange::Create(&fields),
            )
            .unwrap();
        }
    }
    let first = app.get("/clients").await;
    assert!(first.body.contains("60 clients") && first.body.contains("Page 1 of 3"));
    assert!(first.body.contains("Client 00") && !first.body.contains("Client 25"));
    let third = app.get("/clients?page=3").await;
    assert!(third.body.contains("Client 59") && !third.body.contains("Client 49"));
    let search = app.get("/clients?q=CLIENT+45").await;
    assert!(
        search.body.contains("1 client matching") && search.body.contains("Client 45"),
        "{}",
        search.body
    );
    let words = app.get("/clients?q=4+client").await;
    assert!(
        words.body.contains("15 clients"),
        "every word must match, in any order"
    );
    let none = app.get("/clients?q=%25").await;
    assert!(
        none.body.contains("No client matches"),
        "LIKE wildcards are escaped"
    );
    assert_eq!(app.get("/clients?page=abc").await.status, StatusCode::OK);
}
