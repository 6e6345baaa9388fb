//! A real Active Directory for tests: Samba AD (Debian's `samba-ad-dc`), a throwaway domain
//! OFFICE.TEST provisioned into a temp folder (about 6 s), its LDAP server only (`server
//! services = ldap`) on the loopback interface, with a certificate for 127.0.0.1 from a
//! throwaway CA (`openssl`, see `tests/slapd`). Users and a group are added with Samba's own
//! Python bindings before it starts. Stopped and removed on drop. Active Directory's ports are
//! fixed (389, 636): one at a time, and the start fails plainly if they are taken.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test harness fails by panicking

use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

pub const BASE: &str = "DC=office,DC=test";
pub const ADMIN: &str = "CN=Administrator,CN=Users,DC=office,DC=test";
pub const ADMIN_PASSWORD: &str = "Adm1n-Pass-77x";
pub const FINANCE: &str = "CN=Finance,CN=Users,DC=office,DC=test";

pub struct Samba {
    pub dir: tempfile::TempDir,
    child: std::process::Child,
}

/// The DN of `userN`.
pub fn user_dn(n: usize) -> String {
    format!("CN=user{n},CN=Users,{BASE}")
}

/// The password of `userN`.
pub fn password(n: usize) -> String {
    format!("Pass-{n}-word!x")
}

impl Samba {
    /// user0 … user{users-1} with `mail` userN@example.com (user{users} has only its
    /// userPrincipalName, user{users}@office.test, which Samba gives every user); user0 and user1
    /// are in Finance.
    pub fn start(users: usize) -> Self {
        for port in [389, 636] {
            assert!(
                TcpStream::connect(("127.0.0.1", port)).is_err(),
                "port {port} is taken: another directory server runs here (stop it to run the Samba AD tests)"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let run = |command: &mut Command, what: &str| {
            let out = command.output().unwrap_or_else(|e| panic!("{what}: {e} (apt-get install samba-ad-dc)"));
            assert!(
                out.status.success(),
                "{what}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let dc = path("dc");
        let option = |text: String| format!("--option={text}");
        run(
            Command::new("samba-tool").args([
                "domain",
                "provision",
                "--realm=OFFICE.TEST",
                "--domain=OFFICE",
                "--server-role=dc",
                "--dns-backend=NONE",
                "--host-name=dc1",
                "--host-ip=127.0.0.1",
                &format!("--adminpass={ADMIN_PASSWORD}"),
                &format!("--targetdir={}", dc.display()),
                "--option=interfaces=lo",
                "--option=bind interfaces only=yes",
                "--option=server services=ldap",
                &option(format!("log file={}/log.%m", dir.path().display())),
                &option(format!("pid directory={}", dir.path().display())),
            ]),
            "samba-tool domain provision",
        );
        let tls = path("tls");
        std::fs::create_dir(&tls).unwrap();
        crate::slapd::make_certificates(&tls);
        let conf = dc.join("etc/smb.conf");
        let settings = std::fs::read_to_string(&conf).unwrap().replacen(
            "[global]\n",
            &format!(
                "[global]\n\ttls enabled = yes\n\ttls keyfile = {t}/server.key\n\ttls certfile = {t}/server.pem\n\ttls cafile = {t}/ca.pem\n",
                t = tls.display()
            ),
            1,
        );
        std::fs::write(&conf, settings).unwrap();
        let script = format!(
            "from samba.samdb import SamDB\nfrom samba.param import LoadParm\nfrom samba.auth import system_session\n\
             lp = LoadParm(); lp.load({conf:?})\n\
             db = SamDB(url={sam:?}, session_info=system_session(), lp=lp)\n\
             for n in range({users}):\n    db.newuser(f'user{{n}}', f'Pass-{{n}}-word!x', mailaddress=f'user{{n}}@example.com')\n\
             db.newuser('user{users}', 'Pass-{users}-word!x')\n\
             db.newgroup('Finance')\n\
             db.add_remove_group_members('Finance', ['user0', 'user1'], add_members_operation=True)\n",
            conf = conf.display().to_string(),
            sam = dc.join("private/sam.ldb").display().to_string(),
        );
        // Debian's Python, which has Samba's bindings (not a pyenv one first in PATH).
        run(Command::new("/usr/bin/python3").arg("-c").arg(script), "adding users with Samba's Python bindings");
        let child = Command::new("samba")
            .arg("-s")
            .arg(&conf)
            .arg("-i")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("samba is installed");
        let deadline = Instant::now() + Duration::from_secs(30);
        for port in [389, 636] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "Samba did not start listening on port {port}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Self { dir, child }
    }

    pub fn ldaps_url(&self) -> String {
        "ldaps://127.0.0.1:636".to_owned()
    }

    pub fn ca_file(&self) -> std::path::PathBuf {
        self.dir.path().join("tls/ca.pem")
    }
}

impl Drop for Samba {
    fn drop(&mut self) {
        // `samba -i` stops with its process group's master; its workers follow it.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", 636)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
