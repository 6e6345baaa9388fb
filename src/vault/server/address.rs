//! Where a server store is: a `postgres://` address turned into a connection setting. TLS is
//! the default for a network address; the server password is never part of the address (it
//! would show in `ps` and shell history): it comes from a PostgreSQL password file, the
//! environment (`PGPASSWORD`) or the OS keyring.

use super::super::error::{VaultError, VaultResult};
use postgres::config::{Host, SslMode};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The keyring service under which a server password may be kept (account: [`ServerAddress::display`]).
pub const KEYRING_SERVICE: &str = "Keyholder database server";

/// `text` as it may be shown: a password in it (`user:PASSWORD@`, `password=`) replaced by
/// `***`, so that an error about an address never repeats its password.
pub fn redacted(text: &str) -> String {
    let (base, query) = text.split_once('?').map_or((text, None), |(b, q)| (b, Some(q)));
    let base = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').map_or((rest, None), |(a, p)| (a, Some(p)));
            let authority = match authority.rsplit_once('@') {
                Some((user, host)) => match user.split_once(':') {
                    Some((name, _)) => format!("{name}:***@{host}"),
                    None => format!("{user}@{host}"),
                },
                None => authority.to_owned(),
            };
            format!("{scheme}://{authority}{}", path.map(|p| format!("/{p}")).unwrap_or_default())
        }
        None => base.to_owned(),
    };
    let query = query.map(|q| {
        q.split('&')
            .map(|pair| match pair.split_once('=') {
                Some(("password", _)) => "password=***".to_owned(),
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&")
    });
    match query {
        Some(q) => format!("{base}?{q}"),
        None => base,
    }
}

/// The database's name in an address (`…/office?sslmode=disable` → `office`), for titles.
pub fn database_name(text: &str) -> String {
    let base = text.split_once('?').map_or(text, |(b, _)| b);
    let after_host = base.split_once("://").map_or(base, |(_, rest)| rest);
    after_host.split_once('/').map(|(_, db)| db.to_owned()).unwrap_or_default()
}

/// Whether `text` names a server store rather than a file.
pub fn is_server_address(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// A parsed server address with its password found, ready to connect.
#[derive(Clone)]
pub struct ServerAddress {
    config: postgres::Config,
    display: String,
    ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for ServerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display)
    }
}

impl ServerAddress {
    /// Read the address; `sslmode` (disable, allow, prefer, require, verify-ca, verify-full)
    /// and `sslrootcert` are taken from it; any other option is PostgreSQL's own.
    pub fn parse(text: &str) -> VaultResult<Self> {
        let (base, query) = text.split_once('?').unwrap_or((text, ""));
        let mut ssl_mode = None;
        let mut ca_file = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("sslmode", value)) => ssl_mode = Some(parse_ssl_mode(value)?),
                Some(("sslrootcert", value)) => ca_file = Some(PathBuf::from(percent_decode(value))),
                _ => rest.push(pair),
            }
        }
        let url = if rest.is_empty() { base.to_owned() } else { format!("{base}?{}", rest.join("&")) };
        let mut config: postgres::Config =
            url.parse().map_err(|e| VaultError::Server(format!("the address {base} cannot be read: {e}")))?;
        if config.get_password().is_some() {
            return Err(VaultError::Server(
                "the address holds a password, which anyone on this computer could read (`ps`, shell history): \
                 remove it and put it in ~/.pgpass, in PGPASSWORD, or in the keyring with `keyholder server-password`"
                    .into(),
            ));
        }
        if config.get_user().is_none() {
            config.user(&whoami_user());
        }
        if config.get_dbname().is_none() {
            return Err(VaultError::Server(format!("the address {base} names no database (…/DATABASE at its end)")));
        }
        let network = config.get_hosts().iter().any(|h| matches!(h, Host::Tcp(_)));
        // TLS by default on the network; a Unix socket is this computer's own.
        config.ssl_mode(ssl_mode.unwrap_or(if network { SslMode::Require } else { SslMode::Disable }));
        config.application_name("keyholder");
        config.connect_timeout(std::time::Duration::from_secs(10));
        let display = display_of(&config);
        Ok(Self { config, display, ca_file })
    }

    /// `user@host:port/database`, with no password: for messages, the keyring and the audit log.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Find the server password (password file, environment, keyring), unless one is set.
    pub fn with_password(mut self) -> VaultResult<Self> {
        if self.config.get_password().is_some() {
            return Ok(self);
        }
        if let Some(password) = std::env::var_os("PGPASSWORD") {
            self.config.password(password.to_string_lossy().as_bytes());
            return Ok(self);
        }
        if let Some(password) = self.password_from_file() {
            self.config.password(password.as_bytes());
            return Ok(self);
        }
        if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, &self.display)
            && let Ok(password) = entry.get_password()
        {
            self.config.password(password.as_bytes());
        }
        Ok(self)
    }

    fn password_from_file(&self) -> Option<String> {
        let path = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pgpass")))?;
        if !path.exists() {
            return None;
        }
        if !private_file(&path) {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| tracing::warn!("{} is readable by others and is ignored (chmod 600 it)", path.display()));
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            _ => "localhost".to_owned(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432).to_string();
        let wanted =
            [host.as_str(), &port, self.config.get_dbname().unwrap_or(""), self.config.get_user().unwrap_or("")];
        text.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
            let fields = split_pgpass(line);
            let [h, p, d, u, password] = fields.as_slice() else { return None };
            let matches =
                [h, p, d, u].iter().zip(wanted).all(|(field, want)| field.as_str() == "*" || field.as_str() == want);
            matches.then(|| password.clone())
        })
    }

    /// Connect; the TLS settings follow the address.
    pub fn connect(&self) -> VaultResult<postgres::Client> {
        let result = if self.config.get_ssl_mode() == SslMode::Disable {
            self.config.connect(postgres::NoTls)
        } else {
            let tls = crate::tls::client_config(self.ca_file.as_deref()).map_err(VaultError::Server)?;
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(Arc::unwrap_or_clone(tls));
            self.config.connect(tls)
        };
        result.map_err(|error| connect_error(&self.display, &error))
    }
}

/// Keep the server password for `address` in the OS keyring; returns the address as shown.
pub fn remember_password(address: &str, password: &str) -> VaultResult<String> {
    let parsed = ServerAddress::parse(address)?;
    let entry = keyring::Entry::new(KEYRING_SERVICE, parsed.display())
        .map_err(|_| VaultError::Keyring("no keyring service is reachable or it is locked".into()))?;
    entry.set_password(password).map_err(|_| VaultError::Keyring("the keyring refused the password".into()))?;
    Ok(parsed.display().to_owned())
}

fn parse_ssl_mode(value: &str) -> VaultResult<SslMode> {
    match value {
        "disable" | "allow" => Ok(SslMode::Disable),
        "prefer" => Ok(SslMode::Prefer),
        // The certificate and the host name are always checked when TLS is used (verify-full).
        "require" | "verify-ca" | "verify-full" => Ok(SslMode::Require),
        other => Err(VaultError::Server(format!(
            "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, verify-full"
        ))),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn whoami_user() -> String {
    std::env::var("PGUSER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "postgres".to_owned())
}

fn display_of(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        #[cfg(unix)]
        Some(Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{}@{host}:{port}/{}", config.get_user().unwrap_or(""), config.get_dbname().unwrap_or(""))
}

/// A `.pgpass` line's five fields, with `\:` and `\\` read as in libpq.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(unix)]
fn private_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> bool {
    path.exists()
}

/// A failure to connect, in words the office manager can act on; never the password.
fn connect_error(display: &str, error: &postgres::Error) -> VaultError {
    let text = error.to_string();
    let source = std::error::Error::source(error).map(ToString::to_string).unwrap_or_default();
    let code = error.code().map(|c| c.code().to_owned()).unwrap_or_default();
    let reason = if text.contains("password missing") {
        "it asks for a password and none was found for this address: put it in ~/.pgpass (chmod 600; host, \
         port, database and user as in the address), in PGPASSWORD, or in the keyring with \
         `keyholder server-password`"
            .to_owned()
    } else if code == "28P01" || code == "28000" {
        "it refused the user name or the password (see ~/.pgpass, PGPASSWORD or `keyholder server-password`)".to_owned()
    } else if code == "3D000" {
        "that database does not exist on it (create it first: `createdb`)".to_owned()
    } else if source.contains("certificate") || source.contains("UnknownIssuer") || source.contains("NotValidFor") {
        format!("its certificate is not trusted ({source}); give the office's CA with ?sslrootcert=FILE")
    } else if text.contains("TLS") || source.contains("TLS") || source.contains("tls") {
        format!(
            "a secure (TLS) connection could not be made ({source}); a server on a trusted network without TLS \
             needs ?sslmode=disable in the address"
        )
    } else if source.contains("refused") || source.contains("No such file") {
        "nothing answers there (is the server running?)".to_owned()
    } else {
        format!("{text} {source}").trim().to_owned()
    };
    VaultError::Server(format!("cannot connect to {display}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_address_is_refused_because_ps_shows_it() {
        let error = ServerAddress::parse("postgres://office:hunter2@db.example/keyholder").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("holds a password"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn tls_is_required_by_default_on_the_network_and_sslmode_is_honoured() {
        let network = ServerAddress::parse("postgres://office@db.example/keyholder").unwrap();
        assert_eq!(network.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(network.display(), "office@db.example:5432/keyholder");
        let plain = ServerAddress::parse("postgres://office@db.example/keyholder?sslmode=disable").unwrap();
        assert_eq!(plain.config.get_ssl_mode(), SslMode::Disable);
        let socket = ServerAddress::parse("postgres://office@%2Frun%2Fpg/keyholder").unwrap();
        assert_eq!(socket.config.get_ssl_mode(), SslMode::Disable);
        assert_eq!(socket.display(), "office@/run/pg:5432/keyholder");
        let ca = ServerAddress::parse("postgres://o@h/k?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem").unwrap();
        assert_eq!(ca.ca_file.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert!(ServerAddress::parse("postgres://o@h/k?sslmode=sometimes").is_err());
    }

    #[test]
    fn an_address_is_shown_without_its_password_and_titled_by_its_database() {
        assert_eq!(
            redacted("postgres://office:hunter2@db.example:5433/kh"),
            "postgres://office:***@db.example:5433/kh"
        );
        assert_eq!(
            redacted("postgres://office@db.example/kh?sslmode=disable&password=hunter2"),
            "postgres://office@db.example/kh?sslmode=disable&password=***"
        );
        assert_eq!(redacted("postgres://office@%2Frun%2Fpg/kh"), "postgres://office@%2Frun%2Fpg/kh");
        assert_eq!(database_name("postgres://office@db.example/kh?sslmode=disable"), "kh");
    }

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        assert_eq!(
            split_pgpass(r"db.example:*:keyholder:office:pa\:ss\\word"),
            ["db.example", "*", "keyholder", "office", r"pa:ss\word"]
        );
    }
}
