//! Google Workspace through the Admin SDK Directory API, as a service account with domain-wide
//! delegation acting for one of the office's administrators: a token for a signed JWT
//! (RFC 7523), users, groups and members read page by page (`nextPageToken`), a leaver
//! suspended and signed out of every session, group membership changed, and one user read
//! back. Groups are named by their address (what `groupKey` takes). The service account's key
//! is used here only and never said in an error.

use super::http::{Http, encode, text};
use super::{Connection, ConnectorError, ConnectorResult};
use crate::domain::directory_change::Change;
use crate::domain::linked_directory::DirectoryAccount;
use crate::domain::secret::SecretString;
use data_encoding::{BASE64, BASE64URL_NOPAD};
use serde_json::{Value, json};
use std::collections::HashMap;
use zeroize::Zeroizing;

pub const TOKEN: &str = "https://oauth2.googleapis.com/token";
pub const ADMIN: &str = "https://admin.googleapis.com";
/// What domain-wide delegation must grant the service account's client ID (README lists them).
pub const SCOPES: [&str; 3] = [
    "https://www.googleapis.com/auth/admin.directory.user",
    "https://www.googleapis.com/auth/admin.directory.user.security",
    "https://www.googleapis.com/auth/admin.directory.group",
];
/// Google's own value for "the customer the administrator belongs to".
pub const MY_CUSTOMER: &str = "my_customer";

pub struct GoogleSettings<'a> {
    /// The service account's JSON key file, as Google Cloud downloads it.
    pub key_file: &'a SecretString,
    /// The administrator the service account acts as (domain-wide delegation needs one).
    pub admin: &'a str,
    /// The customer ID, or empty for the administrator's own (`my_customer`).
    pub customer: &'a str,
    /// Where the token endpoint and the Admin SDK are, when not Google's (a test server).
    pub base: Option<&'a str>,
    /// Seconds since 1970, for the JWT's issue and expiry times.
    pub now_unix: i64,
}

/// The parts of a service account key this uses.
pub struct ServiceAccountKey {
    pub client_email: String,
    private_key: Zeroizing<String>,
}

impl ServiceAccountKey {
    /// Read a key file, saying plainly when it is not a service account key.
    pub fn parse(key_file: &SecretString) -> ConnectorResult<Self> {
        let not_a_key = |why: &str| {
            ConnectorError::Refused(format!(
                "that file is not a Google service account key ({why}): download a JSON key from Google Cloud \
                 console → IAM & Admin → Service accounts → Keys"
            ))
        };
        let json: Value = serde_json::from_str(key_file.expose()).map_err(|_| not_a_key("it is not JSON"))?;
        if text(&json, "type") != Some("service_account") {
            return Err(not_a_key("its type is not service_account"));
        }
        let client_email = text(&json, "client_email").ok_or_else(|| not_a_key("it has no client_email"))?;
        let private_key = text(&json, "private_key").ok_or_else(|| not_a_key("it has no private_key"))?;
        Ok(Self { client_email: client_email.to_owned(), private_key: Zeroizing::new(private_key.to_owned()) })
    }

    /// The signed JWT asking for `SCOPES` on behalf of `admin`.
    fn assertion(&self, admin: &str, audience: &str, now_unix: i64) -> ConnectorResult<String> {
        let header = BASE64URL_NOPAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = json!({
            "iss": self.client_email,
            "sub": admin,
            "scope": SCOPES.join(" "),
            "aud": audience,
            "iat": now_unix,
            "exp": now_unix + 3600,
        });
        let signed = format!("{header}.{}", BASE64URL_NOPAD.encode(claims.to_string().as_bytes()));
        let unusable = || ConnectorError::Refused("the service account key's private key cannot be used".into());
        let body: String = self.private_key.lines().filter(|line| !line.starts_with("-----")).collect();
        let der = Zeroizing::new(BASE64.decode(body.trim().as_bytes()).map_err(|_| unusable())?);
        let key = ring::signature::RsaKeyPair::from_pkcs8(&der).map_err(|_| unusable())?;
        let mut signature = vec![0; key.public().modulus_len()];
        let rng = ring::rand::SystemRandom::new();
        key.sign(&ring::signature::RSA_PKCS1_SHA256, &rng, signed.as_bytes(), &mut signature)
            .map_err(|_| unusable())?;
        Ok(format!("{signed}.{}", BASE64URL_NOPAD.encode(&signature)))
    }
}

pub struct GoogleSession {
    http: Http,
    api: String,
    customer: String,
}

impl GoogleSession {
    /// Exchange a signed JWT for a token.
    pub fn open(settings: &GoogleSettings<'_>) -> ConnectorResult<Self> {
        let key = ServiceAccountKey::parse(settings.key_file)?;
        let base = settings.base.map(|b| b.trim().trim_end_matches('/').to_owned()).filter(|b| !b.is_empty());
        let (token_url, api) = match &base {
            Some(base) => (format!("{base}/token"), format!("{base}/admin/directory/v1")),
            None => (TOKEN.to_owned(), format!("{ADMIN}/admin/directory/v1")),
        };
        let assertion = Zeroizing::new(key.assertion(settings.admin.trim(), &token_url, settings.now_unix)?);
        let http = Http::new(None)?;
        let form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion.as_str())];
        let answer = http.post_form(&token_url, &form).map_err(|e| token_error(e, &key.client_email))?;
        let token = answer
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| ConnectorError::Server("Google's sign-in answered without a token".into()))?;
        let customer = Some(settings.customer.trim()).filter(|c| !c.is_empty()).unwrap_or(MY_CUSTOMER).to_owned();
        Ok(Self { http: http.with_bearer(token), api, customer })
    }

    /// Every item under `field` of a paged list, following `nextPageToken`.
    fn list(&self, path_and_query: &str, field: &str) -> ConnectorResult<Vec<Value>> {
        let mut all = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut url = format!("{}{path_and_query}", self.api);
            if let Some(token) = &page_token {
                url.push_str(&format!("&pageToken={}", encode(token)));
            }
            let page = self.http.get_url(&url)?;
            all.extend(page.get(field).and_then(Value::as_array).cloned().unwrap_or_default());
            page_token = text(&page, "nextPageToken").map(str::to_owned);
            if page_token.is_none() {
                return Ok(all);
            }
        }
    }

    fn users(&self) -> ConnectorResult<Vec<Value>> {
        self.list(&format!("/users?customer={}&maxResults=500&orderBy=email", encode(&self.customer)), "users")
    }

    fn groups(&self) -> ConnectorResult<Vec<Value>> {
        self.list(&format!("/groups?customer={}&maxResults=200", encode(&self.customer)), "groups")
    }
}

impl Connection for GoogleSession {
    fn count_users(&mut self) -> ConnectorResult<usize> {
        Ok(self.users()?.len())
    }

    fn read_accounts(&mut self) -> ConnectorResult<Vec<DirectoryAccount>> {
        let users = self.users()?;
        let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
        for group in self.groups()? {
            let Some(address) = text(&group, "email") else { continue };
            for member in self.list(&format!("/groups/{}/members?maxResults=200", encode(address)), "members")? {
                if let Some(id) = text(&member, "id") {
                    groups_of.entry(id.to_owned()).or_default().push(address.to_owned());
                }
            }
        }
        Ok(users.iter().filter_map(|user| account_from(user, &mut groups_of)).collect())
    }

    fn read_groups(&mut self) -> ConnectorResult<Vec<String>> {
        let mut addresses: Vec<String> =
            self.groups()?.iter().filter_map(|g| text(g, "email").map(str::to_owned)).collect();
        addresses.sort_by_key(|address| address.to_lowercase());
        Ok(addresses)
    }

    /// Suspending stops new sign-ins; signing out ends the sessions already open.
    fn apply(&mut self, change: &Change) -> ConnectorResult<()> {
        let api = &self.api;
        match change {
            Change::Disable { dn } => {
                let user = format!("{api}/users/{}", encode(dn));
                self.http.send_url("PATCH", &user, Some(&json!({ "suspended": true })))?;
                self.http.send_url("POST", &format!("{user}/signOut"), None).map(|_| ())
            }
            Change::LeaveGroup { dn, group } => {
                let member = format!("{api}/groups/{}/members/{}", encode(group), encode(dn));
                self.http.send_url("DELETE", &member, None).map(|_| ())
            }
            Change::JoinGroup { dn, group } => {
                let members = format!("{api}/groups/{}/members", encode(group));
                self.http.send_url("POST", &members, Some(&json!({ "id": dn, "role": "MEMBER" }))).map(|_| ())
            }
        }
    }

    fn read_account(&mut self, id: &str) -> ConnectorResult<Option<DirectoryAccount>> {
        let user = match self.http.get_url(&format!("{}/users/{}", self.api, encode(id))) {
            Ok(user) => user,
            Err(ConnectorError::Server(message)) if message.starts_with("not found") => return Ok(None),
            Err(error) => return Err(error),
        };
        let groups = self.list(&format!("/groups?userKey={}&maxResults=200", encode(id)), "groups")?;
        let addresses = groups.iter().filter_map(|g| text(g, "email").map(str::to_owned)).collect();
        let mut groups_of = HashMap::from([(id.to_owned(), addresses)]);
        Ok(account_from(&user, &mut groups_of))
    }

    fn close(self: Box<Self>) {}
}

/// A Workspace user as an account: its id stands where an LDAP DN would, its primary address
/// names its owner; suspended or archived is disabled.
fn account_from(user: &Value, groups_of: &mut HashMap<String, Vec<String>>) -> Option<DirectoryAccount> {
    let id = text(user, "id")?.to_owned();
    let email = text(user, "primaryEmail")?.to_owned();
    let flag = |key: &str| user.get(key).and_then(Value::as_bool).unwrap_or(false);
    // Google says 1970-01-01 for "never signed in".
    let last_logon = text(user, "lastLoginTime").filter(|t| !t.starts_with("1970-")).map(str::to_owned);
    Some(DirectoryAccount {
        username: email.clone(),
        email: Some(email),
        enabled: !flag("suspended") && !flag("archived"),
        last_logon,
        groups: groups_of.remove(&id).unwrap_or_default(),
        dn: id,
    })
}

/// Google's refusal of the JWT in words, by its OAuth error.
fn token_error(error: ConnectorError, client_email: &str) -> ConnectorError {
    let said = match &error {
        ConnectorError::TokenRefused => "invalid_client",
        ConnectorError::Server(said) => said.as_str(),
        _ => return error,
    };
    if said.contains("Invalid JWT Signature") || said.contains("invalid_client") {
        ConnectorError::Refused(format!(
            "Google refused the key of {client_email}: it was deleted or replaced (download a new key)"
        ))
    } else if said.contains("unauthorized_client") || said.contains("not authorized for any of the scopes") {
        ConnectorError::Refused(format!(
            "Google Workspace has not given {client_email} domain-wide delegation for the scopes Keyholder needs \
             (Admin console → Security → API controls → Domain-wide delegation: {})",
            SCOPES.join(",")
        ))
    } else if said.contains("Invalid email or User ID") {
        ConnectorError::Refused(
            "Google Workspace does not know the administrator to act as: check their address".into(),
        )
    } else {
        error
    }
}
