//! A real SCIM 2.0 server for tests: PyPI's in-memory `scim2-server` (pinned 0.8.3, installed
//! by scripts/install-gui-deps.sh into /opt/keyholder-scim, or named by KEYHOLDER_SCIM_SERVER),
//! started on 127.0.0.1 with a bearer token and stopped on drop. Users and groups are added over
//! its own SCIM API.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test harness fails by panicking

use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const TOKEN: &str = "scim-test-token-4f9a";

pub struct ScimServer {
    child: Child,
    pub port: u16,
}

impl ScimServer {
    pub fn start() -> Self {
        let program =
            std::env::var("KEYHOLDER_SCIM_SERVER").unwrap_or_else(|_| "/opt/keyholder-scim/bin/scim2-server".into());
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&program)
            .args(["--hostname", "127.0.0.1", "--port", &port.to_string(), "--bearer-token", TOKEN])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{program}: {e} (scripts/install-gui-deps.sh installs scim2-server)"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "scim2-server did not start listening on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/v2", self.port)
    }

    fn post(&self, endpoint: &str, body: Value) -> Value {
        let mut response = ureq::post(format!("{}/{endpoint}", self.url()))
            .header("Authorization", format!("Bearer {TOKEN}"))
            .header("Content-Type", "application/scim+json")
            .send(body.to_string())
            .unwrap();
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap()
    }

    /// A user `name` with `email` as its primary address; its id.
    pub fn add_user(&self, name: &str, email: &str) -> String {
        let user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": name,
            "active": true,
            "emails": [{ "value": email, "primary": true }]
        });
        self.post("Users", user)["id"].as_str().unwrap().to_owned()
    }

    pub fn add_group(&self, name: &str, members: &[&str]) -> String {
        let members: Vec<Value> = members.iter().map(|id| json!({ "value": id })).collect();
        let group = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": name,
            "members": members
        });
        self.post("Groups", group)["id"].as_str().unwrap().to_owned()
    }
}

impl Drop for ScimServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
