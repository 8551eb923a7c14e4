#!/usr/bin/python3
"""Drives review.html in Debian's Chromium through chromedriver (Debian's python3-selenium), as a
reviewer would, and writes what it saw as JSON for tests/cli/review_browser_test.cpp to judge.

usage: review_driver.py PAGE DOWNLOAD_DIR RESULT_JSON [SCREENSHOT_PNG]
Keys pressed: u (unblur) on the first tile; 3 on the first cluster tile (grades the cluster; the
grader's name is typed into the dialog); n on the next tile; 2 then z (undo) on the one after;
Enter on a later cluster tile, 1 on its first member (graded apart), Escape. Then the page is
reloaded (progress kept) and grades.csv downloaded.
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

page, download_dir, result_path = sys.argv[1:4]
screenshot = sys.argv[4] if len(sys.argv) > 4 else None

options = webdriver.ChromeOptions()
options.binary_location = '/usr/bin/chromium'
for flag in ('--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1280,900', '--no-first-run',
             '--disable-background-networking', '--user-data-dir=' + os.path.join(download_dir, 'profile')):
    options.add_argument(flag)
options.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
driver.execute_cdp_cmd('Page.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': download_dir})
result = {}
js = driver.execute_script


def wait_ready():
    for _ in range(200):
        if js('return document.body && document.body.dataset.ready') == 'true':
            return
        time.sleep(0.05)
    raise SystemExit('review.html never drew its first screen')


def filters():  # the computed CSS filter of each tile's picture, in tile order
    return js("return [...document.querySelectorAll('.tile')].sort((a, b) => a.dataset.tile - b.dataset.tile)"
              ".map(t => { const i = t.querySelector('img'); return i ? getComputedStyle(i).filter : null; })")


def press(*keys):
    body = driver.find_element(By.TAG_NAME, 'body')
    for k in keys:
        body.send_keys(k)
        time.sleep(0.05)


def tiles():  # [{tile, cluster_size, caption}] of the tiles drawn
    return js("return [...document.querySelectorAll('.tile')].sort((a, b) => a.dataset.tile - b.dataset.tile)"
              ".map(t => ({tile: Number(t.dataset.tile), size: t.querySelector('.size') ? "
              "Number(t.querySelector('.size').textContent.slice(1)) : 1, caption: t.querySelector('.cap').textContent}))")


def focus():
    return js("return Number(document.querySelector('.tile.focus').dataset.tile)")


try:
    started = time.time()
    driver.get('file://' + page)
    wait_ready()
    result['first_screen_seconds'] = time.time() - started
    time.sleep(0.5)  # thumbnails
    if screenshot:
        driver.save_screenshot(screenshot)
    result['status_initial'] = js("return document.getElementById('status').textContent")
    result['filters_initial'] = filters()
    result['tiles_initial'] = tiles()
    press('u')
    result['filters_unblurred'] = filters()
    press(Keys.ARROW_RIGHT, Keys.ARROW_LEFT)  # the focus moves away and back: blurred again
    result['filters_after_move'] = filters()
    shown = tiles()
    cluster_tile = next(t['tile'] for t in shown if t['size'] > 1)
    press(*([Keys.ARROW_RIGHT] * cluster_tile))
    press('3')
    result['dialog_open'] = js("return document.getElementById('grader-dialog').open")
    name = driver.find_element(By.ID, 'grader-name')
    name.send_keys('DC Jones, "QA"')
    name.send_keys(Keys.ENTER)
    time.sleep(0.1)
    result['graded_cluster_tile'] = cluster_tile
    result['focus_after_grade'] = focus()
    result['caption_graded'] = tiles()[cluster_tile]['caption'] if cluster_tile < len(tiles()) else None
    press('n')
    press('2', 'z')
    result['focus_after_undo'] = focus()
    later = [t['tile'] for t in tiles() if t['size'] > 1 and t['tile'] >= focus()]
    result['opened_cluster'] = bool(later)
    if later:
        press(*([Keys.ARROW_RIGHT] * (later[0] - focus())))
        press(Keys.ENTER)
        result['member_tiles'] = len(tiles())
        press('1', Keys.ESCAPE)
    result['status_graded'] = js("return document.getElementById('status').textContent")
    driver.refresh()
    wait_ready()
    result['status_after_reload'] = js("return document.getElementById('status').textContent")
    driver.find_element(By.ID, 'download').click()
    target = os.path.join(download_dir, 'grades.csv')
    for _ in range(100):
        if os.path.exists(target):
            break
        time.sleep(0.05)
    result['downloaded'] = os.path.exists(target)
    result['requests'] = []
    for entry in driver.get_log('performance'):
        message = json.loads(entry['message'])['message']
        if message['method'] == 'Network.requestWillBeSent':
            result['requests'].append(message['params']['request']['url'])
    result['console'] = [e['message'] for e in driver.get_log('browser')
                         if 'ERR_FILE_NOT_FOUND' not in e['message']]  # a picture with no thumbnail
finally:
    driver.quit()
with open(result_path, 'w') as out:
    json.dump(result, out, indent=1)
