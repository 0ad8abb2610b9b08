#!/bin/sh
# Builds fixtures/mailbox/maildir/alice@agency.example/ with a REAL Dovecot (doveadm, no server running):
# INBOX with 4 messages saved, one expunged (so UIDs are 1, 2, 4), flags and a keyword set through
# Dovecot, a Sent folder with 2 messages. Dovecot writes dovecot-uidlist and dovecot-keywords; the
# index caches are left out of the fixture. Needs dovecot-core (apt-get install -y dovecot-imapd).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/fixtures/mailbox/maildir/alice@agency.example"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/mail" "$work/home"
chown 65534:65534 "$work/mail" "$work/home"
cat > "$work/dovecot.conf" <<CONF
log_path = /dev/stderr
mail_location = maildir:$work/mail/%u
mail_uid = 65534
mail_gid = 65534
first_valid_uid = 1
first_valid_gid = 1
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
  }
}
ssl = no
CONF
user=alice@agency.example
adm() { USER=$user HOME="$work/home" doveadm -c "$work/dovecot.conf" "$@"; }

message() { # n from to subject date
  printf 'Return-Path: <%s>\nReceived: from mx.agency.example by mail.agency.example with LMTP id %s\n\tfor <%s>; %s\nMessage-ID: <maildir-%s@agency.example>\nDate: %s\nFrom: %s\nTo: %s\nSubject: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\nMessage %s.\n' \
    "$2" "$1" "$3" "$5" "$1" "$5" "$2" "$3" "$4" "$1"
}
message 1 carol@agency.example alice@agency.example "Contract review" "Mon, 23 Nov 2026 09:00:00 +0000" | adm save -m INBOX
message 2 bob@agency.example alice@agency.example "Password reset policy" "Mon, 23 Nov 2026 10:00:00 +0000" | adm save -m INBOX
message 3 dave@agency.example alice@agency.example "to be deleted" "Tue, 24 Nov 2026 08:00:00 +0000" | adm save -m INBOX
message 4 hr-director@agency.example alice@agency.example "Salary bands 2027" "Wed, 25 Nov 2026 16:30:00 +0000" | adm save -m INBOX
adm mailbox create Sent
message 5 alice@agency.example carol@agency.example "Re: Contract review" "Mon, 23 Nov 2026 11:00:00 +0000" | adm save -m Sent
message 6 alice@agency.example bob@agency.example "Lunch?" "Tue, 24 Nov 2026 12:00:00 +0000" | adm save -m Sent
adm flags add '\Seen' mailbox INBOX uid 1:2
adm flags add '\Flagged $Work' mailbox INBOX uid 2
adm flags add '\Seen' mailbox Sent uid 1:2
adm expunge mailbox INBOX uid 3
adm force-resync INBOX

rm -rf "$out"
mkdir -p "$out"
cd "$work/mail/$user"
find . -type f ! -name 'dovecot.index*' ! -name 'dovecot.list.index*' ! -name 'dovecot-uidvalidity*' | while read -r f; do
  mkdir -p "$out/$(dirname "$f")"
  cp "$f" "$out/$f"
done
for d in cur new tmp .Sent/cur .Sent/new .Sent/tmp; do mkdir -p "$out/$d"; touch "$out/$d/.keep"; done
find "$out" -type f | sort
