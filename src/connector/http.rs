//! HTTP for the connectors that speak it (SCIM apps, Microsoft Graph, Google's Admin SDK), with ureq: a timeout on
//! every request, requests the server turns away for a moment (429, 503) tried again after the
//! time it asks for (`Retry-After`) up to a limit, the office's own CA when one is given, and
//! the server's refusal in words. The bearer token is sent, never said.

use super::{ConnectorError, ConnectorResult};
use crate::domain::secret::SecretString;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// How long one request may take before the server counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(20);
/// How many times a request the server turned away is tried again, and the longest wait.
const RETRIES: u32 = 4;
const LONGEST_WAIT: Duration = Duration::from_secs(30);

pub struct Http {
    agent: ureq::Agent,
    authorization: Option<SecretString>,
}

/// A request's body.
enum Body<'a> {
    None,
    Json(&'a Value),
    Form(String),
}

impl Http {
    pub fn new(ca_file: Option<&Path>) -> ConnectorResult<Self> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = ca_file {
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(ca_certificates(path)?)));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .tls_config(tls.build())
            .build()
            .into();
        Ok(Self { agent, authorization: None })
    }

    /// The same client, sending `token` as its bearer token.
    pub fn with_bearer(mut self, token: &str) -> Self {
        self.authorization = Some(SecretString::new(format!("Bearer {token}")));
        self
    }

    pub fn get_url(&self, url: &str) -> ConnectorResult<Value> {
        self.send("GET", url, Body::None)
    }

    pub fn send_url(&self, method: &str, url: &str, body: Option<&Value>) -> ConnectorResult<Value> {
        self.send(method, url, body.map_or(Body::None, Body::Json))
    }

    /// A form post (an OAuth token request).
    pub fn post_form(&self, url: &str, form: &[(&str, &str)]) -> ConnectorResult<Value> {
        let body: Vec<String> = form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        self.send("POST", url, Body::Form(body.join("&")))
    }

    fn send(&self, method: &str, url: &str, body: Body<'_>) -> ConnectorResult<Value> {
        let mut waited = Duration::ZERO;
        for attempt in 0..=RETRIES {
            let mut request = ureq::http::Request::builder()
                .method(method)
                .uri(url)
                .header("Accept", "application/scim+json, application/json");
            if let Some(authorization) = &self.authorization {
                request = request.header("Authorization", authorization.expose());
            }
            let refused = |e: ureq::http::Error| ConnectorError::Refused(e.to_string());
            let sent = match &body {
                Body::None => self.agent.run(request.body(()).map_err(refused)?),
                Body::Json(json) => self.agent.run(
                    request.header("Content-Type", "application/scim+json").body(json.to_string()).map_err(refused)?,
                ),
                Body::Form(form) => self.agent.run(
                    request
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body(form.clone())
                        .map_err(refused)?,
                ),
            };
            let mut response = sent.map_err(|e| transport_error(url, e))?;
            let status = response.status().as_u16();
            if (status == 429 || status == 503) && attempt < RETRIES {
                let wait = retry_after(&response).unwrap_or(Duration::from_secs(1 << attempt)).min(LONGEST_WAIT);
                waited += wait;
                std::thread::sleep(wait);
                continue;
            }
            let text = response.body_mut().read_to_string().unwrap_or_default();
            // Google says a rate limit with a 403 and no Retry-After: waited for all the same.
            if status == 403 && is_rate_limit(&text) && attempt < RETRIES {
                let wait = Duration::from_secs(1 << attempt);
                waited += wait;
                std::thread::sleep(wait);
                continue;
            }
            let path = url.split('?').next().unwrap_or(url);
            return match status {
                200..=299 if text.trim().is_empty() => Ok(Value::Null),
                200..=299 => serde_json::from_str(&text)
                    .map_err(|e| ConnectorError::Server(format!("an answer that is not JSON ({e})"))),
                // A token endpoint's refusal (RFC 6749 §5.2) names its reason: kept for the caller.
                401 if oauth_error(&text).is_some() => {
                    Err(ConnectorError::Server(format!("HTTP 401: {}", oauth_error(&text).unwrap_or_default())))
                }
                401 => Err(ConnectorError::TokenRefused),
                403 if is_rate_limit(&text) => Err(ConnectorError::RateLimited { waited_secs: waited.as_secs() }),
                403 => Err(ConnectorError::NoPermission(detail(&text))),
                404 => Err(ConnectorError::Server(format!("not found: {path} ({})", detail(&text)))),
                429 | 503 => Err(ConnectorError::RateLimited { waited_secs: waited.as_secs() }),
                _ => Err(ConnectorError::Server(format!("HTTP {status}: {}", detail(&text)))),
            };
        }
        Err(ConnectorError::RateLimited { waited_secs: waited.as_secs() })
    }
}

/// Groups (or any resources with a display name and an id) by name, for sending a change to
/// the group a mapping names.
#[derive(Default)]
pub struct GroupIds(Option<std::collections::HashMap<String, String>>);

impl GroupIds {
    /// The id of the group `name` (any case), reading the groups with `read` the first time.
    pub fn id(
        &mut self,
        name: &str,
        suite: &str,
        read: impl FnOnce() -> ConnectorResult<Vec<Value>>,
    ) -> ConnectorResult<String> {
        if self.0.is_none() {
            let ids = read()?
                .iter()
                .filter_map(|g| Some((text(g, "displayName")?.to_lowercase(), text(g, "id")?.to_owned())))
                .collect();
            self.0 = Some(ids);
        }
        self.0
            .as_ref()
            .and_then(|ids| ids.get(&name.to_lowercase()).cloned())
            .ok_or_else(|| ConnectorError::Server(format!("{suite} has no group called {name}")))
    }
}

/// Resources' display names, in order (the groups to choose from when mapping).
pub fn names_in_order(resources: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = resources.iter().filter_map(|g| text(g, "displayName").map(str::to_owned)).collect();
    names.sort_by_key(|name| name.to_lowercase());
    names
}

pub fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The server's own explanation: SCIM's `detail`, OAuth's `error_description`, Graph's
/// `error.message`; else the start of its answer.
fn detail(text: &str) -> String {
    let json: Option<Value> = serde_json::from_str(text).ok();
    let said = |json: &Value| {
        [json.get("detail"), json.get("error_description"), json.get("error").and_then(|e| e.get("message"))]
            .into_iter()
            .flatten()
            .find_map(|v| v.as_str().map(str::to_owned))
    };
    json.as_ref().and_then(said).unwrap_or_else(|| text.chars().take(200).collect())
}

/// A token endpoint's `error` code and description, when the answer is one.
fn oauth_error(text: &str) -> Option<String> {
    let json: Value = serde_json::from_str(text).ok()?;
    let code = json.get("error")?.as_str()?;
    Some(format!("{code}: {}", detail(text)))
}

/// Google's 403 for a rate limit (`rateLimitExceeded`, `userRateLimitExceeded`).
fn is_rate_limit(text: &str) -> bool {
    let json: Option<Value> = serde_json::from_str(text).ok();
    let reasons = json.as_ref().and_then(|j| j.get("error")?.get("errors")?.as_array().cloned()).unwrap_or_default();
    reasons.iter().any(|r| r.get("reason").and_then(Value::as_str).is_some_and(|r| r.ends_with("ateLimitExceeded")))
}

fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let value = response.headers().get("Retry-After")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Percent-encode a path segment, a query value or a form field.
pub fn encode(text: &str) -> String {
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
        _ if text.contains("failed to lookup address") || text.contains("Name or service not known") => {
            "its name could not be found: is this computer online?".to_owned()
        }
        _ => text,
    };
    ConnectorError::Unreachable { url: url.split('?').next().unwrap_or(url).to_owned(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_ids_and_form_fields_are_sent_encoded() {
        assert_eq!(encode("members.value eq \"a b\""), "members.value%20eq%20%22a%20b%22");
        assert_eq!(encode("be89d0a9-x_y.z~"), "be89d0a9-x_y.z~");
        assert_eq!(encode("https://graph.microsoft.com/.default"), "https%3A%2F%2Fgraph.microsoft.com%2F.default");
    }

    #[test]
    fn the_servers_own_words_are_kept() {
        assert_eq!(detail(r#"{"detail":"no such user"}"#), "no such user");
        assert_eq!(
            detail(r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid"}"#),
            "AADSTS7000215: Invalid"
        );
        assert_eq!(
            detail(r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}"#),
            "Insufficient privileges"
        );
    }

    #[test]
    fn a_token_endpoints_refusal_keeps_its_code_and_googles_403_rate_limit_is_one() {
        let refused = r#"{"error":"unauthorized_client","error_description":"Client is unauthorized"}"#;
        assert_eq!(oauth_error(refused).as_deref(), Some("unauthorized_client: Client is unauthorized"));
        assert_eq!(oauth_error(r#"{"error":{"code":"InvalidAuthenticationToken"}}"#), None, "Graph's API error");
        assert!(is_rate_limit(r#"{"error":{"code":403,"errors":[{"reason":"userRateLimitExceeded"}]}}"#));
        assert!(!is_rate_limit(r#"{"error":{"code":403,"errors":[{"reason":"forbidden"}]}}"#));
    }
}
