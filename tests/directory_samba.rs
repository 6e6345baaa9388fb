//! The connector against a real Active Directory: Samba AD (`samba-ad-dc`), a throwaway domain
//! provisioned by the test and served on 127.0.0.1 only (see tests/samba). Samba refuses a
//! simple bind over plain LDAP, so this is LDAPS and StartTLS with the office's own CA. Covers
//! what differs from OpenLDAP: `userPrincipalName` when there is no `mail`, the
//! `userAccountControl` disabled bit, and a disabled user refused at the bind. `#[ignore]`d
//! because it needs Samba and root; `.ci/run` runs it with `--ignored`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
mod samba;
mod slapd;

use keyholder::connector::ldap::{ConnectorError, LdapSettings, Session};
use keyholder::domain::linked_directory::{DirectoryKind, FindingKind};
use keyholder::domain::secret::SecretString;
use keyholder::service::NewLinkedDirectory;
use samba::{ADMIN, ADMIN_PASSWORD, BASE, FINANCE, Samba, password, user_dn};

fn open(samba: &Samba, url: &str, starttls: bool, dn: &str, secret: &str) -> Result<Session, ConnectorError> {
    let secret = SecretString::new(secret);
    Session::open(&LdapSettings {
        kind: DirectoryKind::ActiveDirectory,
        url,
        base_dn: BASE,
        bind_dn: dn,
        bind_password: &secret,
        starttls,
        ca_file: Some(samba.ca_file()),
    })
}

#[test]
#[ignore = "needs samba-ad-dc and root; run by .ci/run"]
fn samba_ad_is_read_over_ldaps_and_a_leaver_is_disabled_there_and_can_no_longer_sign_in() {
    let samba = Samba::start(3);
    let url = samba.ldaps_url();

    // Plain LDAP: Samba closes the connection at the bind, and the error says why.
    let plain = open(&samba, "ldap://127.0.0.1:389", false, ADMIN, ADMIN_PASSWORD).err().unwrap().to_string();
    assert!(plain.contains("asks for LDAPS or StartTLS"), "{plain}");
    let mut starttls = open(&samba, "ldap://127.0.0.1:389", true, ADMIN, ADMIN_PASSWORD).unwrap();
    assert_eq!(starttls.count_users().unwrap(), 4, "user0-3; not Administrator, Guest or krbtgt");
    starttls.close();
    let wrong = open(&samba, &url, false, ADMIN, "not-it-Pass-9").err().unwrap();
    assert!(matches!(wrong, ConnectorError::WrongPassword), "{wrong}");
    assert!(open(&samba, &url, false, &user_dn(0), &password(0)).is_ok(), "user0 can sign in before leaving");

    // Ann (user0) joined Finance before the directory was connected; Dee's only address in
    // the directory is her userPrincipalName; user1 and user2 belong to no one on record.
    let (_vault, mut office) = common::finance_office_with_ann();
    common::add_person(&mut office, "Dee User", "user3@office.test", "Sales");
    let admin_password = SecretString::new(ADMIN_PASSWORD);
    let ca_file = samba.ca_file().display().to_string();
    office
        .add_directory(&NewLinkedDirectory {
            name: "Office AD",
            kind: "ad",
            url: &url,
            base_dn: BASE,
            bind_dn: ADMIN,
            bind_password: &admin_password,
            starttls: false,
            ca_file: Some(&ca_file),
        })
        .unwrap();
    office.map_directory_accounts("Office AD", "Windows sign-in").unwrap();
    office.map_directory_group("Office AD", FINANCE, "Payroll", "user").unwrap();
    let report = office.sync_directory("Office AD").unwrap();
    let found: Vec<(FindingKind, Option<&str>)> =
        report.findings.iter().map(|f| (f.kind, f.account.as_deref())).collect();
    assert_eq!(
        found,
        [(FindingKind::OrphanAccount, Some("user1")), (FindingKind::OrphanAccount, Some("user2"))],
        "Ann as recorded, Dee matched by her userPrincipalName"
    );

    // The leaver's account item: the disabled bit, Finance left, read back, and no more sign-in.
    let leaver = office.start_leaver("user0@example.com", &office.today().to_string()).unwrap();
    let list = office.checklists_of("user0@example.com").unwrap().into_iter().find(|l| l.id == leaver).unwrap();
    let disable = list.items.iter().find(|i| i.title.ends_with("on Windows sign-in")).unwrap().id;
    let preview = office.preview_item(disable).unwrap().unwrap();
    assert_eq!(
        preview.operations,
        [
            format!("modify {}: replace userAccountControl with its \"account disabled\" bit (2) set", user_dn(0)),
            format!("modify {FINANCE}: delete member: {}", user_dn(0)),
        ]
    );
    office.complete_item(disable).unwrap();
    assert!(
        office.item_confirmation(disable).unwrap().unwrap().starts_with("confirmed by the directory Office AD at ")
    );
    let mut admin = open(&samba, &url, false, ADMIN, ADMIN_PASSWORD).unwrap();
    let ann = admin.read_account(&user_dn(0)).unwrap().unwrap();
    admin.close();
    assert!(!ann.enabled && ann.groups.is_empty(), "{ann:?}");
    let refused = open(&samba, &url, false, &user_dn(0), &password(0)).err().unwrap();
    assert!(matches!(refused, ConnectorError::WrongPassword), "a disabled account cannot bind: {refused}");
}
