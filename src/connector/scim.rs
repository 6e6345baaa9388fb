//! An app's SCIM 2.0 API (RFC 7643/7644) with ureq (blocking, rustls): the bearer token on
//! every request, Users and Groups read page by page (`startIndex`, `count`), a user deactivated
//! with `PATCH active=false`, group membership changed by PATCH, and one user read back.
//! Requests that the server turns away for a moment (429, 503) are tried again after the time
//! it asks for (`Retry-After`), up to a limit. The token is never in an error.

use super::{Connection, ConnectorError, ConnectorResult};
use crate::domain::directory_change::Change;
use crate::domain::linked_directory::{DirectoryAccount, check_scim_url};
use crate::domain::secret::SecretString;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// How long one request may take before the app counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Resources per page.
const PAGE: usize = 100;
/// How many times a request the server turned away is tried again, and the longest wait.
const RETRIES: u32 = 4;
const LONGEST_WAIT: Duration = Duration::from_secs(30);
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Where the app is and how to sign in to it.
pub struct ScimSettings<'a> {
    /// The SCIM base URL, e.g. `https://app.example.com/scim/v2`.
    pub url: &'a str,
    pub token: &'a SecretString,
    /// The office's own CA, for a server whose certificate it signed.
    pub ca_file: Option<&'a Path>,
}

pub struct ScimSession {
    agent: ureq::Agent,
    base: String,
    authorization: SecretString,
    /// Group display name (lower case) → id, read once per session.
    group_ids: Option<HashMap<String, String>>,
}

impl ScimSession {
    /// Check the address and the token (one small request).
    pub fn open(settings: &ScimSettings<'_>) -> ConnectorResult<Self> {
        check_scim_url(settings.url).map_err(ConnectorError::Refused)?;
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = settings.ca_file {
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(ca_certificates(path)?)));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .tls_config(tls.build())
            .build()
            .into();
        let session = Self {
            agent,
            base: settings.url.trim().trim_end_matches('/').to_owned(),
            authorization: SecretString::new(format!("Bearer {}", settings.token.expose())),
            group_ids: None,
        };
        session.get("/Users?startIndex=1&count=1")?;
        Ok(session)
    }

    /// Send a request, trying again where the server asks to wait; the JSON answer (Null for
    /// an empty one).
    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> ConnectorResult<Value> {
        let url = format!("{}{path}", self.base);
        let mut waited = Duration::ZERO;
        for attempt in 0..=RETRIES {
            let request = ureq::http::Request::builder()
                .method(method)
                .uri(&url)
                .header("Authorization", self.authorization.expose())
                .header("Accept", "application/scim+json, application/json");
            let sent = match body {
                Some(body) => {
                    let request = request
                        .header("Content-Type", "application/scim+json")
                        .body(body.to_string())
                        .map_err(|e| ConnectorError::Refused(e.to_string()))?;
                    self.agent.run(request)
                }
                None => {
                    let request = request.body(()).map_err(|e| ConnectorError::Refused(e.to_string()))?;
                    self.agent.run(request)
                }
            };
            let mut response = sent.map_err(|e| transport_error(&url, e))?;
            let status = response.status().as_u16();
            if (status == 429 || status == 503) && attempt < RETRIES {
                let wait = retry_after(&response).unwrap_or(Duration::from_secs(1 << attempt)).min(LONGEST_WAIT);
                waited += wait;
                std::thread::sleep(wait);
                continue;
            }
            let text = response.body_mut().read_to_string().unwrap_or_default();
            return match status {
                200..=299 if text.trim().is_empty() => Ok(Value::Null),
                200..=299 => serde_json::from_str(&text)
                    .map_err(|e| ConnectorError::Server(format!("an answer that is not SCIM JSON ({e})"))),
                401 => Err(ConnectorError::TokenRefused),
                403 => Err(ConnectorError::NoPermission(detail(&text))),
                404 => Err(ConnectorError::Server(format!("not found: {path} ({})", detail(&text)))),
                429 | 503 => Err(ConnectorError::RateLimited { waited_secs: waited.as_secs() }),
                _ => Err(ConnectorError::Server(format!("HTTP {status}: {}", detail(&text)))),
            };
        }
        Err(ConnectorError::RateLimited { waited_secs: waited.as_secs() })
    }

    fn get(&self, path: &str) -> ConnectorResult<Value> {
        self.send("GET", path, None)
    }

    fn patch(&self, path: &str, operations: Value) -> ConnectorResult<()> {
        self.send("PATCH", path, Some(&json!({ "schemas": [PATCH_OP], "Operations": operations }))).map(|_| ())
    }

    /// Every resource of a list endpoint, page by page.
    fn list(&self, endpoint: &str, filter: Option<&str>) -> ConnectorResult<Vec<Value>> {
        let filter = filter.map(|f| format!("&filter={}", encode(f))).unwrap_or_default();
        let mut all: Vec<Value> = Vec::new();
        loop {
            let page = self.get(&format!("/{endpoint}?startIndex={}&count={PAGE}{filter}", all.len() + 1))?;
            let resources = page.get("Resources").and_then(Value::as_array).cloned().unwrap_or_default();
            let total = page.get("totalResults").and_then(Value::as_u64).unwrap_or(0) as usize;
            let got = resources.len();
            all.extend(resources);
            if got == 0 || all.len() >= total {
                return Ok(all);
            }
        }
    }

    fn group_id(&mut self, name: &str) -> ConnectorResult<String> {
        if self.group_ids.is_none() {
            let groups = self.list("Groups", None)?;
            let ids = groups
                .iter()
                .filter_map(|g| Some((text(g, "displayName")?.to_lowercase(), text(g, "id")?.to_owned())))
                .collect();
            self.group_ids = Some(ids);
        }
        self.group_ids
            .as_ref()
            .and_then(|ids| ids.get(&name.to_lowercase()).cloned())
            .ok_or_else(|| ConnectorError::Server(format!("the app has no group called {name}")))
    }
}

impl Connection for ScimSession {
    fn count_users(&mut self) -> ConnectorResult<usize> {
        let page = self.get("/Users?startIndex=1&count=1")?;
        Ok(page.get("totalResults").and_then(Value::as_u64).unwrap_or(0) as usize)
    }

    fn read_accounts(&mut self) -> ConnectorResult<Vec<DirectoryAccount>> {
        let users = self.list("Users", None)?;
        let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
        for group in self.list("Groups", None)? {
            let Some(name) = text(&group, "displayName") else { continue };
            for member in group.get("members").and_then(Value::as_array).into_iter().flatten() {
                if let Some(id) = text(member, "value") {
                    groups_of.entry(id.to_owned()).or_default().push(name.to_owned());
                }
            }
        }
        Ok(users.iter().filter_map(|user| account_from(user, &mut groups_of)).collect())
    }

    fn read_groups(&mut self) -> ConnectorResult<Vec<String>> {
        let mut names: Vec<String> =
            self.list("Groups", None)?.iter().filter_map(|g| text(g, "displayName").map(str::to_owned)).collect();
        names.sort_by_key(|name| name.to_lowercase());
        Ok(names)
    }

    fn apply(&mut self, change: &Change) -> ConnectorResult<()> {
        match change {
            Change::Disable { dn } => self.patch(
                &format!("/Users/{}", encode(dn)),
                json!([{ "op": "replace", "path": "active", "value": false }]),
            ),
            Change::LeaveGroup { dn, group } => {
                let id = self.group_id(group)?;
                let path = format!("members[value eq \"{dn}\"]");
                self.patch(&format!("/Groups/{}", encode(&id)), json!([{ "op": "remove", "path": path }]))
            }
            Change::JoinGroup { dn, group } => {
                let id = self.group_id(group)?;
                let members = json!([{ "value": dn }]);
                self.patch(
                    &format!("/Groups/{}", encode(&id)),
                    json!([{ "op": "add", "path": "members", "value": members }]),
                )
            }
        }
    }

    fn read_account(&mut self, id: &str) -> ConnectorResult<Option<DirectoryAccount>> {
        let user = match self.get(&format!("/Users/{}", encode(id))) {
            Ok(user) => user,
            Err(ConnectorError::Server(message)) if message.starts_with("not found") => return Ok(None),
            Err(error) => return Err(error),
        };
        let filter = format!("members.value eq \"{id}\"");
        let groups: Vec<String> = self
            .list("Groups", Some(&filter))?
            .iter()
            .filter_map(|g| text(g, "displayName").map(str::to_owned))
            .collect();
        let mut groups_of = HashMap::from([(id.to_owned(), groups)]);
        Ok(account_from(&user, &mut groups_of))
    }

    fn close(self: Box<Self>) {}
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A SCIM user as an account: its id stands where an LDAP DN would, its primary email (or
/// the first) names its owner, and `active` false is disabled.
fn account_from(user: &Value, groups_of: &mut HashMap<String, Vec<String>>) -> Option<DirectoryAccount> {
    let id = text(user, "id")?.to_owned();
    let emails = user.get("emails").and_then(Value::as_array);
    let primary = emails.and_then(|all| {
        all.iter().find(|e| e.get("primary").and_then(Value::as_bool) == Some(true)).or_else(|| all.first())
    });
    Some(DirectoryAccount {
        username: text(user, "userName").unwrap_or(&id).to_owned(),
        email: primary.and_then(|e| text(e, "value")).map(str::to_owned),
        enabled: user.get("active").and_then(Value::as_bool).unwrap_or(true),
        last_logon: None,
        groups: groups_of.remove(&id).unwrap_or_default(),
        dn: id,
    })
}

/// The server's own explanation (`detail` of a SCIM error), else the start of its answer.
fn detail(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| text.chars().take(200).collect())
}

fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let value = response.headers().get("Retry-After")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Percent-encode a path segment or a filter.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn ca_certificates(path: &Path) -> ConnectorResult<Vec<ureq::tls::Certificate<'static>>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ConnectorError::Refused(format!("cannot read the CA certificate {}: {e}", path.display()))
    };
    let pem = std::fs::read(path).map_err(|e| unreadable(&e))?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let ureq::tls::PemItem::Certificate(certificate) = item.map_err(|e| unreadable(&e))? {
            certificates.push(certificate);
        }
    }
    if certificates.is_empty() {
        return Err(unreadable(&"it holds no certificate"));
    }
    Ok(certificates)
}

/// A failure before any answer: refused, timed out, or the certificate.
fn transport_error(url: &str, error: ureq::Error) -> ConnectorError {
    let text = error.to_string();
    if text.contains("certificate") || text.contains("UnknownIssuer") || text.contains("NotValidForName") {
        return ConnectorError::Certificate(text);
    }
    let reason = match &error {
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "nothing answers there (connection refused)".to_owned()
        }
        ureq::Error::Timeout(_) => "no answer in time".to_owned(),
        _ => text,
    };
    ConnectorError::Unreachable { url: url.split('?').next().unwrap_or(url).to_owned(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_becomes_an_account_by_its_primary_email() {
        let user = json!({
            "id": "u1", "userName": "ann", "active": false,
            "emails": [{ "value": "other@example.com" }, { "value": "ann@example.com", "primary": true }]
        });
        let mut groups = HashMap::from([("u1".to_owned(), vec!["Finance".to_owned()])]);
        let account = account_from(&user, &mut groups).unwrap();
        assert_eq!(account.email.as_deref(), Some("ann@example.com"));
        assert!(!account.enabled);
        assert_eq!((account.dn.as_str(), account.groups.as_slice()), ("u1", ["Finance".to_owned()].as_slice()));
    }

    #[test]
    fn filters_and_ids_are_sent_encoded() {
        assert_eq!(encode("members.value eq \"a b\""), "members.value%20eq%20%22a%20b%22");
        assert_eq!(encode("be89d0a9-x_y.z~"), "be89d0a9-x_y.z~");
    }

    #[test]
    fn plain_http_is_refused_except_to_this_computer_and_the_token_is_not_said() {
        let token = SecretString::new("secret-token-5521");
        let settings = ScimSettings { url: "http://app.example.com/scim/v2", token: &token, ca_file: None };
        let refused = ScimSession::open(&settings).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("unencrypted") && !refused.contains("secret-token-5521"), "{refused}");
    }
}
