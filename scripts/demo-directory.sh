#!/usr/bin/env bash
# A throwaway OpenLDAP server on 127.0.0.1 that looks like a demo office's directory, for the
# README's picture of the Directories screen and for trying the screen by hand. Reads lines of
# "EMAIL TEAM" on stdin: each becomes an account (uid = the part before @), members of the
# teams whose role gives Payroll are in "Payroll Users" (but two of them are missing, and two
# Sales people are in it without a reason), and two accounts belong to no one on record.
# Needs slapd (Debian's). Prints the address; stop it with: kill "$(cat DIR/slapd.pid)".
#   scripts/demo-directory.sh DIR PORT < people.txt
set -euo pipefail
dir=$1; port=$2
base="dc=example,dc=org"
mkdir -p "$dir/db"
cat >"$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile $dir/slapd.pid
database mdb
maxsize 268435456
suffix "$base"
rootdn "cn=admin,$base"
rootpw demo-admin-password
directory $dir/db
overlay ppolicy
ppolicy_default "cn=default,ou=Policies,$base"
CONF
{
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Demo office\n\n' "$base"
  for ou in People Groups Policies; do printf 'dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n' "$ou" "$base" "$ou"; done
  printf 'dn: cn=default,ou=Policies,%s\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\npwdLockout: TRUE\n\n' "$base"
  members=""; missing=0; extra=0
  while read -r email team; do
    uid=${email%@*}
    printf 'dn: uid=%s,ou=People,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nmail: %s\n\n' \
      "$uid" "$base" "$uid" "$uid" "$uid" "$email"
    case $team in
      "Customer Service"|Finance|Legal|Management|People)
        if [ $missing -lt 2 ]; then missing=$((missing + 1)); else members+="member: uid=$uid,ou=People,$base"$'\n'; fi;;
      Sales)
        if [ $extra -lt 2 ]; then extra=$((extra + 1)); members+="member: uid=$uid,ou=People,$base"$'\n'; fi;;
    esac
  done
  for uid in temp.contractor old.reception; do
    printf 'dn: uid=%s,ou=People,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\n\n' "$uid" "$base" "$uid" "$uid" "$uid"
  done
  printf 'dn: cn=Payroll Users,ou=Groups,%s\nobjectClass: groupOfNames\ncn: Payroll Users\n%s\n' "$base" "$members"
} >"$dir/data.ldif"
slapadd -f "$dir/slapd.conf" -l "$dir/data.ldif" >/dev/null 2>&1
slapd -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$port/"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
echo "ldap://127.0.0.1:$port"
