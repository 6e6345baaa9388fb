//! Microsoft 365 through Microsoft Graph v1.0 (an app registration with client credentials):
//! a token from the tenant's login endpoint, users and groups read page by page
//! (`@odata.nextLink`), sign-in blocked (`accountEnabled: false`) with the user's sessions
//! revoked, group membership changed, and one user read back. Shares the HTTP handling of the
//! SCIM connector (timeouts, `Retry-After`, errors in words); the client secret and the token
//! are never in an error.

use super::http::{GroupIds, Http, encode, names_in_order, text};
use super::{Connection, ConnectorError, ConnectorResult};
use crate::domain::directory_change::Change;
use crate::domain::linked_directory::DirectoryAccount;
use crate::domain::secret::SecretString;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Microsoft's public cloud; another base (a national cloud, or a test server on this
/// computer) can be given.
pub const LOGIN: &str = "https://login.microsoftonline.com";
pub const GRAPH: &str = "https://graph.microsoft.com";
const USER_FIELDS: &str = "id,displayName,userPrincipalName,mail,accountEnabled";

pub struct GraphSettings<'a> {
    pub tenant: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a SecretString,
    /// Where login and Graph are, when not Microsoft's public cloud: both under this base.
    pub base: Option<&'a str>,
}

pub struct GraphSession {
    http: Http,
    graph: String,
    /// Group display name (lower case) → id, read once per session.
    group_ids: GroupIds,
}

impl GraphSession {
    /// Get a token with the app's client credentials.
    pub fn open(settings: &GraphSettings<'_>) -> ConnectorResult<Self> {
        let base = settings.base.map(|b| b.trim().trim_end_matches('/').to_owned()).filter(|b| !b.is_empty());
        let (login, graph) = match &base {
            Some(base) => (base.clone(), format!("{base}/v1.0")),
            None => (LOGIN.to_owned(), format!("{GRAPH}/v1.0")),
        };
        let http = Http::new(None)?;
        let form = [
            ("client_id", settings.client_id.trim()),
            ("scope", "https://graph.microsoft.com/.default"),
            ("client_secret", settings.client_secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let url = format!("{login}/{}/oauth2/v2.0/token", encode(settings.tenant.trim()));
        let answer = http.post_form(&url, &form).map_err(token_error)?;
        let token = answer
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| ConnectorError::Server("the sign-in answered without a token".into()))?;
        Ok(Self { http: http.with_bearer(token), graph, group_ids: GroupIds::default() })
    }

    /// Every item of a Graph collection, following `@odata.nextLink`.
    fn list(&self, path: &str) -> ConnectorResult<Vec<Value>> {
        let mut all = Vec::new();
        let mut next = Some(format!("{}{path}", self.graph));
        while let Some(url) = next {
            let page = self.http.get_url(&url)?;
            all.extend(page.get("value").and_then(Value::as_array).cloned().unwrap_or_default());
            next = page.get("@odata.nextLink").and_then(Value::as_str).map(str::to_owned);
        }
        Ok(all)
    }

    fn groups_with_members(&self) -> ConnectorResult<Vec<(String, String, Vec<String>)>> {
        let mut groups = Vec::new();
        for group in self.list("/groups?$select=id,displayName")? {
            let (Some(id), Some(name)) = (text(&group, "id"), text(&group, "displayName")) else { continue };
            let members = self.list(&format!("/groups/{}/members?$select=id", encode(id)))?;
            let ids = members.iter().filter_map(|m| text(m, "id").map(str::to_owned)).collect();
            groups.push((id.to_owned(), name.to_owned(), ids));
        }
        Ok(groups)
    }

    fn group_id(&mut self, name: &str) -> ConnectorResult<String> {
        let mut ids = std::mem::take(&mut self.group_ids);
        let id = ids.id(name, "Microsoft 365", || self.list("/groups?$select=id,displayName"));
        self.group_ids = ids;
        id
    }
}

impl Connection for GraphSession {
    fn count_users(&mut self) -> ConnectorResult<usize> {
        Ok(self.list(&format!("/users?$select={USER_FIELDS}&$top=999"))?.len())
    }

    fn read_accounts(&mut self) -> ConnectorResult<Vec<DirectoryAccount>> {
        let users = self.list(&format!("/users?$select={USER_FIELDS}&$top=999"))?;
        let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
        for (_, name, members) in self.groups_with_members()? {
            for member in members {
                groups_of.entry(member).or_default().push(name.clone());
            }
        }
        Ok(users.iter().filter_map(|user| account_from(user, &mut groups_of)).collect())
    }

    fn read_groups(&mut self) -> ConnectorResult<Vec<String>> {
        Ok(names_in_order(&self.list("/groups?$select=id,displayName")?))
    }

    /// Blocking sign-in also signs the user out everywhere (their refresh tokens revoked).
    fn apply(&mut self, change: &Change) -> ConnectorResult<()> {
        let graph = self.graph.clone();
        match change {
            Change::Disable { dn } => {
                let user = format!("{graph}/users/{}", encode(dn));
                self.http.send_url("PATCH", &user, Some(&json!({ "accountEnabled": false })))?;
                self.http.send_url("POST", &format!("{user}/revokeSignInSessions"), None).map(|_| ())
            }
            Change::LeaveGroup { dn, group } => {
                let id = self.group_id(group)?;
                let member = format!("{graph}/groups/{}/members/{}/$ref", encode(&id), encode(dn));
                self.http.send_url("DELETE", &member, None).map(|_| ())
            }
            Change::JoinGroup { dn, group } => {
                let id = self.group_id(group)?;
                let reference =
                    json!({ "@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{dn}") });
                let members = format!("{graph}/groups/{}/members/$ref", encode(&id));
                self.http.send_url("POST", &members, Some(&reference)).map(|_| ())
            }
        }
    }

    fn read_account(&mut self, id: &str) -> ConnectorResult<Option<DirectoryAccount>> {
        let url = format!("{}/users/{}?$select={USER_FIELDS}", self.graph, encode(id));
        let user = match self.http.get_url(&url) {
            Ok(user) => user,
            Err(ConnectorError::Server(message)) if message.starts_with("not found") => return Ok(None),
            Err(error) => return Err(error),
        };
        let groups = self.list(&format!("/users/{}/memberOf?$select=id,displayName", encode(id)))?;
        let names = groups.iter().filter_map(|g| text(g, "displayName").map(str::to_owned)).collect();
        let mut groups_of = HashMap::from([(id.to_owned(), names)]);
        Ok(account_from(&user, &mut groups_of))
    }

    /// Every licence assigned to the user directly, by its SKU; one inherited from a group
    /// cannot be, and Graph says so.
    fn remove_licences(&mut self, id: &str) -> ConnectorResult<Vec<String>> {
        let path = format!("/users/{}/licenseDetails", encode(id));
        let licences = self.list(&path)?;
        let skus: Vec<&str> = licences.iter().filter_map(|l| text(l, "skuId")).collect();
        if skus.is_empty() {
            return Ok(Vec::new());
        }
        let url = format!("{}/users/{}/assignLicense", self.graph, encode(id));
        self.http.send_url("POST", &url, Some(&json!({ "addLicenses": [], "removeLicenses": skus })))?;
        if let Some(left) = self.list(&path)?.first() {
            let name = text(left, "skuPartNumber").unwrap_or("a licence");
            return Err(ConnectorError::Server(format!("{name} is still assigned after removing it")));
        }
        Ok(licences.iter().map(|l| text(l, "skuPartNumber").or(text(l, "skuId")).unwrap_or("").to_owned()).collect())
    }

    fn close(self: Box<Self>) {}
}

/// A Graph user as an account: its object id stands where an LDAP DN would, its mail (or its
/// user principal name) names its owner.
fn account_from(user: &Value, groups_of: &mut HashMap<String, Vec<String>>) -> Option<DirectoryAccount> {
    let id = text(user, "id")?.to_owned();
    let upn = text(user, "userPrincipalName").unwrap_or(&id).to_owned();
    Some(DirectoryAccount {
        email: text(user, "mail").map(str::to_owned).or_else(|| Some(upn.clone())),
        username: upn,
        enabled: user.get("accountEnabled").and_then(Value::as_bool).unwrap_or(true),
        last_logon: None,
        groups: groups_of.remove(&id).unwrap_or_default(),
        dn: id,
    })
}

/// The sign-in's refusal in words, by its AADSTS code.
fn token_error(error: ConnectorError) -> ConnectorError {
    let ConnectorError::Server(text) = &error else { return error };
    let said = |code: &str| text.contains(code);
    if said("AADSTS7000215") || said("AADSTS7000222") || said("invalid_client") {
        ConnectorError::TokenRefused
    } else if said("AADSTS700016") {
        ConnectorError::Refused("Microsoft 365 does not know that application (client) ID in this tenant".into())
    } else if said("AADSTS90002") {
        ConnectorError::Refused("Microsoft 365 does not know that tenant (directory) ID".into())
    } else {
        error
    }
}
