//! An app's SCIM 2.0 API (RFC 7643/7644) with ureq (blocking, rustls): the bearer token on
//! every request, Users and Groups read page by page (`startIndex`, `count`), a user deactivated
//! with `PATCH active=false`, group membership changed by PATCH, and one user read back.
//! The HTTP itself (timeouts, `Retry-After`, errors in words) is `http`'s. The token is never
//! in an error.

use super::http::{GroupIds, Http, encode, names_in_order, text};
use super::{Connection, ConnectorError, ConnectorResult};
use crate::domain::directory_change::Change;
use crate::domain::linked_directory::{DirectoryAccount, check_scim_url};
use crate::domain::secret::SecretString;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;

/// Resources per page.
const PAGE: usize = 100;
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
    http: Http,
    base: String,
    /// Group display name (lower case) → id, read once per session.
    group_ids: GroupIds,
}

impl ScimSession {
    /// Check the address and the token (one small request).
    pub fn open(settings: &ScimSettings<'_>) -> ConnectorResult<Self> {
        check_scim_url(settings.url).map_err(ConnectorError::Refused)?;
        let base = settings.url.trim().trim_end_matches('/').to_owned();
        let http = Http::new(settings.ca_file)?.with_bearer(settings.token.expose());
        let session = Self { http, base, group_ids: GroupIds::default() };
        session.get("/Users?startIndex=1&count=1")?;
        Ok(session)
    }

    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> ConnectorResult<Value> {
        self.http.send_url(method, &format!("{}{path}", self.base), body)
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
        let mut ids = std::mem::take(&mut self.group_ids);
        let id = ids.id(name, "the app", || self.list("Groups", None));
        self.group_ids = ids;
        id
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
        Ok(names_in_order(&self.list("Groups", None)?))
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
    fn plain_http_is_refused_except_to_this_computer_and_the_token_is_not_said() {
        let token = SecretString::new("secret-token-5521");
        let settings = ScimSettings { url: "http://app.example.com/scim/v2", token: &token, ca_file: None };
        let refused = ScimSession::open(&settings).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("unencrypted") && !refused.contains("secret-token-5521"), "{refused}");
    }
}
