//! A real OpenLDAP server for tests and the directory benchmark: Debian's `slapd` started on
//! 127.0.0.1 with a throwaway configuration and database in a temp folder (ppolicy loaded, and
//! optionally LDAPS and StartTLS with a throwaway CA made by `openssl`), stopped on drop.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test harness fails by panicking

use keyholder::connector::ldap::{ConnectorError, LdapSettings, Session};
use keyholder::domain::linked_directory::{DirectoryAccount, DirectoryKind};
use keyholder::domain::secret::SecretString;
use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BASE: &str = "dc=example,dc=org";
pub const ADMIN: &str = "cn=admin,dc=example,dc=org";
pub const ADMIN_PASSWORD: &str = "slapd-admin-7Hq2";
pub const FINANCE: &str = "cn=Finance,ou=Groups,dc=example,dc=org";

/// A running slapd on loopback; stopped and its folder removed on drop.
pub struct Slapd {
    pub dir: tempfile::TempDir,
    pub port: u16,
    /// With TLS: the ldaps:// port (the plain port then also offers StartTLS).
    pub tls_port: Option<u16>,
}

/// A free loopback port (bound, then let go for the server to take).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A throwaway CA and a server certificate it signed for 127.0.0.1, made with `openssl`.
pub fn make_certificates(dir: &std::path::Path) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl is installed");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Office Test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
}

impl Slapd {
    /// `users` people (user0 … ), Finance with user0 and user1, user2 locked by ppolicy, and
    /// `extra` LDIF appended.
    pub fn start(users: usize, extra: &str) -> Self {
        Self::start_with(users, extra, false)
    }

    /// Also LDAPS on a second port and StartTLS on the first, with a certificate from a
    /// throwaway CA (`ca.pem` in the server's folder).
    pub fn start_tls(users: usize) -> Self {
        Self::start_with(users, "", true)
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub fn start_with(users: usize, extra: &str, tls: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::create_dir(path("db")).unwrap();
        let port = free_port();
        let tls_port = tls.then(free_port);
        let tls_conf = if tls {
            make_certificates(dir.path());
            let dir = dir.path().display();
            format!(
                "TLSCACertificateFile {dir}/ca.pem\nTLSCertificateFile {dir}/server.pem\nTLSCertificateKeyFile {dir}/server.key\n"
            )
        } else {
            String::new()
        };
        let conf = format!(
            "include /etc/ldap/schema/core.schema\n\
             include /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\n\
             include /etc/ldap/schema/nis.schema\n\
             modulepath /usr/lib/ldap\n\
             moduleload back_mdb\n\
             moduleload ppolicy\n\
             pidfile {dir}/slapd.pid\n\
             argsfile {dir}/slapd.args\n\
             database mdb\n\
             maxsize 268435456\n\
             suffix \"{BASE}\"\n\
             rootdn \"{ADMIN}\"\n\
             rootpw {ADMIN_PASSWORD}\n\
             directory {dir}/db\n\
             overlay ppolicy\n\
             ppolicy_default \"cn=default,ou=Policies,{BASE}\"\n",
            dir = dir.path().display()
        );
        let conf = tls_conf + &conf;
        std::fs::write(path("slapd.conf"), conf).unwrap();
        let mut ldif = format!(
            "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
             dn: ou=People,{BASE}\nobjectClass: organizationalUnit\nou: People\n\n\
             dn: ou=Groups,{BASE}\nobjectClass: organizationalUnit\nou: Groups\n\n\
             dn: ou=Policies,{BASE}\nobjectClass: organizationalUnit\nou: Policies\n\n\
             dn: cn=default,ou=Policies,{BASE}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\n\
             pwdAttribute: userPassword\npwdLockout: TRUE\n\n"
        );
        for n in 0..users {
            let _ = write!(
                ldif,
                "dn: uid=user{n},ou=People,{BASE}\nobjectClass: inetOrgPerson\nuid: user{n}\ncn: User {n}\n\
                 sn: {n}\nmail: user{n}@example.com\nuserPassword: pass-{n}\n"
            );
            if n == 2 {
                // Locked for good (ppolicy's "administratively locked" time).
                ldif.push_str("pwdAccountLockedTime: 000001010000Z\n");
            }
            ldif.push('\n');
        }
        let _ = write!(
            ldif,
            "dn: {FINANCE}\nobjectClass: groupOfNames\ncn: Finance\nmember: uid=user0,ou=People,{BASE}\n\
             member: uid=user1,ou=People,{BASE}\n\n{extra}"
        );
        std::fs::write(path("data.ldif"), ldif).unwrap();
        let conf = path("slapd.conf");
        let loaded = Command::new("slapadd")
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(path("data.ldif"))
            .output()
            .expect("slapadd is installed (apt-get install slapd ldap-utils)");
        assert!(loaded.status.success(), "slapadd: {}", String::from_utf8_lossy(&loaded.stderr));
        let started = Command::new("slapd")
            .arg("-f")
            .arg(&conf)
            .arg("-h")
            .arg(match tls_port {
                Some(tls_port) => format!("ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/"),
                None => format!("ldap://127.0.0.1:{port}/"),
            })
            .output()
            .expect("slapd is installed");
        assert!(started.status.success(), "slapd: {}", String::from_utf8_lossy(&started.stderr));
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [Some(port), tls_port].into_iter().flatten() {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "slapd did not start listening on port {port}");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Self { dir, port, tls_port }
    }

    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("slapd.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// A loopback TCP proxy in front of a server. It lets everything through until
/// `cut_after(n)`: then `n` more LDAP modify requests pass and the connection is cut at the
/// next one (the server never sees it), a connection lost in the middle of a change.
pub struct CuttingProxy {
    pub port: u16,
    pass: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CuttingProxy {
    pub fn start(server_port: u16) -> Self {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pass = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX));
        let budget = pass.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let Ok(mut server) = TcpStream::connect(("127.0.0.1", server_port)) else { return };
                let budget = budget.clone();
                std::thread::spawn(move || {
                    let (mut client_reader, mut server_writer) =
                        (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let upstream = std::thread::spawn(move || {
                        let mut buffer = [0u8; 65536];
                        while let Ok(n) = client_reader.read(&mut buffer) {
                            if n == 0 {
                                break;
                            }
                            if is_modify_request(&buffer[..n]) {
                                let left = budget.load(Ordering::SeqCst);
                                if left == 0 {
                                    let _ = client_reader.shutdown(std::net::Shutdown::Both);
                                    let _ = server_writer.shutdown(std::net::Shutdown::Both);
                                    break;
                                }
                                if left != usize::MAX {
                                    budget.store(left - 1, Ordering::SeqCst);
                                }
                            }
                            if server_writer.write_all(&buffer[..n]).is_err() {
                                break;
                            }
                        }
                    });
                    let _ = std::io::copy(&mut server, &mut client);
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    let _ = upstream.join();
                });
            }
        });
        Self { port, pass }
    }

    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    pub fn cut_after(&self, modifies: usize) {
        self.pass.store(modifies, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn allow_all(&self) {
        self.pass.store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Whether `bytes` start an LDAPMessage whose operation is a ModifyRequest ([APPLICATION 6]).
fn is_modify_request(bytes: &[u8]) -> bool {
    let header = |at: usize| -> Option<usize> {
        let first = *bytes.get(at + 1)?;
        Some(if first < 0x80 { at + 2 } else { at + 2 + usize::from(first & 0x7f) })
    };
    (|| {
        if bytes.first()? != &0x30 {
            return None;
        }
        let id_at = header(0)?;
        if bytes.get(id_at)? != &0x02 {
            return None;
        }
        let op_at = id_at + 2 + usize::from(*bytes.get(id_at + 1)?);
        Some(bytes.get(op_at)? == &0x66)
    })()
    .unwrap_or(false)
}

/// A session with the OpenLDAP server at `url`, bound as `dn` (whether that person can sign in).
pub fn open_as(url: &str, dn: &str, password: &str) -> Result<Session, ConnectorError> {
    let password = SecretString::new(password);
    Session::open(&LdapSettings {
        kind: DirectoryKind::OpenLdap,
        url,
        base_dn: BASE,
        bind_dn: dn,
        bind_password: &password,
        starttls: false,
        ca_file: None,
    })
}

/// The account `dn` as the administrator reads it now.
pub fn read_as_admin(url: &str, dn: &str) -> DirectoryAccount {
    let mut session = open_as(url, ADMIN, ADMIN_PASSWORD).unwrap();
    let account = session.read_account(dn).unwrap().unwrap();
    session.close();
    account
}
