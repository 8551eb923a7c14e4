#!/usr/bin/env bash
# Regenerates the sample hash sets from samples/evidence. SYNTHETIC: the categories below are
# given to generated test patterns only, so the README's first command shows matches,
# known-good exclusions and unknowns. Needs python3, sqlite3 and a built triage (for the PDQ
# hash of IMG_0001, carried as a VICS alternative hash: TRIAGE, default the release build).
set -euo pipefail
cd "$(dirname "$0")"
ev=../evidence
python3 - "$ev" "${TRIAGE:-../../build/release/cli/triage}" <<'PY'
import hashlib, json, os, subprocess, sys
ev, triage = sys.argv[1], sys.argv[2]
def pdq(rel):
    out = subprocess.run([triage, 'hash', os.path.join(ev, rel), '--format', 'jsonl'], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[0])['pdq']
def digests(rel):
    data = open(os.path.join(ev, rel), 'rb').read()
    return {'MD5': hashlib.md5(data).hexdigest().upper(), 'SHA1': hashlib.sha1(data).hexdigest().upper(),
            'SHA256': hashlib.sha256(data).hexdigest(), 'MediaSize': len(data)}
# (file, synthetic UK code): 1 = Category A, 2 = Category B, 3 = Category C in samples/profiles/uk.json
planted = [('DCIM/100TEST/IMG_0001.jpg', 1), ('Pictures/pattern.png', 3), ('Videos/clip.mp4', 2)]
media = []
for i, (rel, category) in enumerate(planted, start=1):
    d = digests(rel)
    media.append({'MediaID': 1000 + i, 'Category': category, 'MD5': d['MD5'], 'SHA1': d['SHA1'],
                  'MediaSize': str(d['MediaSize']), 'Series': 'SYNTHETIC-TEST-PATTERNS',
                  'Tags': ['synthetic', 'test pattern'], 'IsPrecategorized': 'true',
                  'VictimIdentified': False, 'OffenderIdentified': False, 'IsDistributed': False,
                  'AlternativeHashes': [{'HashName': 'SHA256', 'HashValue': d['SHA256']}],
                  'MediaFiles': [{'FileName': os.path.basename(rel)}]})
    if rel.endswith('.jpg'):  # perceptual hash too: Pictures/holiday-copy.jpg is an edited copy
        media[-1]['AlternativeHashes'].append({'HashName': 'PDQ', 'HashValue': pdq(rel)})
doc = {'@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media',
       'value': media}
with open('sample-uk.vics.json', 'w') as f:
    json.dump(doc, f, indent=2)
    f.write('\n')
# A tiny NSRL RDS v3-shaped known-good database: FILE joined to PKG.
known = 'Pictures/bars.gif'
d = digests(known)
with open('known-good.rds.sql', 'w') as f:
    f.write("CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name TEXT, version TEXT, operating_system_id INTEGER, manufacturer_id INTEGER, language TEXT, application_type TEXT);\n")
    f.write("INSERT INTO PKG VALUES (1, 'Sample Operating System Wallpapers', '1.0', 1, 1, 'English', 'Operating System');\n")
    f.write("CREATE TABLE FILE (sha256 TEXT, sha1 TEXT, md5 TEXT, crc32 TEXT, file_name TEXT, file_size INTEGER, package_id INTEGER);\n")
    f.write(f"INSERT INTO FILE VALUES ('{d['SHA256'].upper()}', '{d['SHA1']}', '{d['MD5']}', '00000000', 'bars.gif', {d['MediaSize']}, 1);\n")
    f.write("CREATE TABLE VERSION (version TEXT, build_set TEXT, build_date TEXT, release_date TEXT, description TEXT);\n")
    f.write("INSERT INTO VERSION VALUES ('2026.11.1-sample', 'minimal', '2026-11-28', '2026-11-28', 'synthetic sample');\n")
PY
rm -f known-good.rds.db
sqlite3 known-good.rds.db < known-good.rds.sql
rm known-good.rds.sql
