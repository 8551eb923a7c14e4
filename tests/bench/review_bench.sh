#!/usr/bin/env bash
# tests/bench/review_bench.sh: review.html at scale in headless Chromium (Debian's chromium and
# chromium-driver, through python3-selenium). Not part of the test suite. A tree of BENCH_ITEMS
# distinct small JPEGs (96x72 noise made by ffmpeg: every one its own tile, every one needing
# grading) is scanned; the page is opened and timed to its first screen (target 2 s), the
# browser's memory is summed over its processes (proportional set size; target 500 MB) after the
# first screen and again after a scroll to the end and one grade; the page's size is printed.
#   Environment: BENCH_DIR (default /var/tmp/triage-review-bench), TRIAGE (default the release
#   build, made when missing), BENCH_ITEMS (100000).
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/var/tmp/triage-review-bench}
TRIAGE=${TRIAGE:-build/release/cli/triage}
items=${BENCH_ITEMS:-100000}
if [[ ! -x $TRIAGE ]]; then cmake --preset release >&2 && cmake --build --preset release -j2 --target triage >&2; fi
tree=$BENCH_DIR/tree-$items
if [[ ! -d $tree ]]; then  # noise pictures: each its own PDQ hash, none joined into a cluster
  mkdir -p "$tree.part"
  ffmpeg -nostdin -loglevel error -f lavfi -i "nullsrc=s=96x72:r=25,geq=lum='random(1)*255':cb=128:cr=128" \
    -frames:v "$items" -q:v 5 "$tree.part/IMG_%07d.jpg"
  mv "$tree.part" "$tree"
fi
case_dir=$BENCH_DIR/case-$items
if [[ ! -s $case_dir/review.html ]]; then
  rm -rf "$case_dir"
  start=$(date +%s.%N)
  "$TRIAGE" scan "$tree" --out "$case_dir" > /dev/null
  echo "scan of $items pictures: $(echo "$(date +%s.%N) - $start" | bc) s"
fi
start=$(date +%s.%N)  # rendered again by this build
"$TRIAGE" report "$case_dir" --format review --out "$case_dir/review.html"
echo "review.html rendered in $(echo "$(date +%s.%N) - $start" | bc) s: $(( $(stat -c %s "$case_dir/review.html") / 1000000 )) MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$case_dir/review.html" "$BENCH_DIR/profile" <<'PY'
import glob, os, shutil, sys, time
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
page, profile = sys.argv[1], sys.argv[2]
shutil.rmtree(profile, ignore_errors=True)
options = webdriver.ChromeOptions()
options.binary_location = '/usr/bin/chromium'
for flag in ('--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1280,900',
             '--no-first-run', '--disable-background-networking', '--user-data-dir=' + profile):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)

def browser_mb():  # proportional set size of every process of this browser (its profile folder)
    total = 0
    for proc in glob.glob('/proc/[0-9]*'):
        try:
            if profile.encode() not in open(proc + '/cmdline', 'rb').read():
                continue
            for line in open(proc + '/smaps_rollup'):
                if line.startswith('Pss:'):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024

def ready():
    return driver.execute_script('return document.body && document.body.dataset.ready') == 'true'

try:
    driver.get('about:blank')
    time.sleep(1)
    blank = browser_mb()
    start = time.time()
    driver.get('file://' + page)
    while not ready():
        time.sleep(0.01)
    first = time.time() - start
    status = driver.execute_script("return document.getElementById('status').textContent")
    time.sleep(1)
    after_first = browser_mb()
    print(f'first screen {first:.2f} s (target 2 s); {status}; browser memory {after_first:.0f} MB (target 500 MB; '
          f'{blank:.0f} MB with a blank page, so the page adds {after_first - blank:.0f} MB)')
    start = time.time()
    driver.execute_script("const g = document.getElementById('grid'); g.scrollTop = g.scrollHeight;")
    drawn = driver.execute_script("return document.querySelectorAll('.tile').length")
    body = driver.find_element(By.TAG_NAME, 'body')
    body.send_keys('3')
    driver.find_element(By.ID, 'grader-name').send_keys('bench\n')
    graded = driver.execute_script("return document.getElementById('status').textContent")
    took = time.time() - start
    time.sleep(1)
    print(f'scroll to the end and one grade: {took:.2f} s ({drawn} tiles drawn; {graded}); browser memory {browser_mb():.0f} MB')
finally:
    driver.quit()
PY
