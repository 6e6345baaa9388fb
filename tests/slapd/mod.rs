//! A real OpenLDAP server for tests and the directory benchmark: Debian's `slapd` started on
//! 127.0.0.1 with a throwaway configuration and database in a temp folder (ppolicy loaded, and
//! optionally LDAPS and StartTLS with a throwaway CA made by `openssl`), stopped on drop.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test harness fails by panicking

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
fn make_certificates(dir: &std::path::Path) {
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
             overlay ppolicy\n",
            dir = dir.path().display()
        );
        let conf = tls_conf + &conf;
        std::fs::write(path("slapd.conf"), conf).unwrap();
        let mut ldif = format!(
            "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
             dn: ou=People,{BASE}\nobjectClass: organizationalUnit\nou: People\n\n\
             dn: ou=Groups,{BASE}\nobjectClass: organizationalUnit\nou: Groups\n\n"
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
