// The demo page (wasm/site, built by build.sh) in Debian's Chromium, headless: the sample is
// preloaded, typing converts live, repairs are marked with their reason, and the controls work
// from the keyboard. Saves a screenshot (SCREENSHOT, default target/wasm-demo-screenshot.png).
//
// The expected output is checked against facts of the input (links, handles and the English
// sentence kept, no Cyrillic left, Аxios repaired) and against the Node build of the package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { launch } from './chromium.mjs';
import { pkgDir, rootDir, sampleNews, siteDir } from './helpers.mjs';
import { serve } from './server.mjs';

const screenshot = process.env.SCREENSHOT ?? join(rootDir, 'target', 'wasm-demo-screenshot.png');
const jazu = createRequire(import.meta.url)(join(pkgDir, 'node', 'jazu.js'));

let server;
let browser;
let page;
const errors = [];

before(async () => {
  if (!existsSync(join(siteDir, 'index.html'))) throw new Error('wasm/site is missing: run `bash wasm/build.sh` first');
  server = await serve(siteDir);
  browser = await launch({ permissions: ['clipboard-read', 'clipboard-write'] });
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = '') {
  await page.goto(`${server.url}/index.html${query}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 20_000 });
}

const outputText = () => page.locator('#out').evaluate((el) => el.textContent);

test('the sample news item is preloaded and converted', async () => {
  await open();
  const news = sampleNews();
  assert.equal(await page.locator('#src').inputValue(), news);
  assert.equal(await page.locator('#from').inputValue(), 'auto');
  assert.equal(await page.locator('#to').inputValue(), 'latn-2021');
  assert.equal(await outputText(), jazu.convert(news, 'auto', 'latn-2021'));
  assert.match(await page.locator('#detected').textContent(), /Cyrillic/);
  assert.deepEqual(errors, []);
});

test('typing the sample converts live and marks the repairs', async () => {
  await open('?sample=0');
  assert.equal(await page.locator('#src').inputValue(), '');
  const news = sampleNews();
  await page.locator('#src').focus();
  // Type the first line key by key; paste-like insertion for the rest keeps the test short.
  const [first, ...rest] = news.split('\n');
  await page.keyboard.type(first);
  const partial = await outputText();
  assert.ok(partial.startsWith(' date 2025-11-07 Qazaqstan '), `live output after typing: ${partial}`);
  await page.keyboard.press('Enter');
  for (const [i, line] of rest.entries()) {
    await page.keyboard.insertText(line);
    if (i < rest.length - 1) await page.keyboard.press('Enter');
  }
  assert.equal(await page.locator('#src').inputValue(), news);

  const out = await outputText();
  const tweet = news.split('\n').find((l) => l.startsWith('🇰🇿🇺🇸New:'));
  assert.ok(out.includes('https://t.co/fkVtqI7B1Z'), 'URL kept');
  assert.ok(out.includes('@BarakRavid'), 'handle kept');
  assert.ok(out.split('\n').includes(tweet), 'English sentence kept');
  assert.ok(out.includes(' Axios '), 'Аxios repaired');
  assert.ok(!/[\u0400-\u04FF]/.test(out), 'no Cyrillic left');
  assert.equal(out, jazu.convert(news, 'auto', 'latn-2021'), 'same as the Node build');

  // The repairs, marked in the output with their reason.
  const { changes } = jazu.convertWithChanges(news, 'auto', 'latn-2021');
  const marks = page.locator('#out mark');
  assert.equal(await marks.count(), changes.filter((c) => c.outputOffset !== null).length);
  assert.ok((await marks.count()) >= 1);
  const axios = page.locator('#out mark', { hasText: 'Axios' });
  assert.equal(await axios.count(), 1);
  assert.equal(await axios.getAttribute('data-repair'), 'lookalike');
  const reason = await axios.getAttribute('data-reason');
  assert.match(reason, /look-alike/);
  assert.match(reason, /А \(U\+0410\) → A \(U\+0041\)/, 'the reason names the Cyrillic А and the Latin A');
  await axios.hover();
  const tooltip = await axios.evaluate((el) => getComputedStyle(el, '::after').content);
  assert.ok(tooltip.includes('look-alike'), `tooltip on hover: ${tooltip}`);
  assert.match(await page.locator('#changes-title').textContent(), new RegExp(`Repairs \\(${changes.length}\\)`));
  assert.equal(await page.locator('#changes li').count(), changes.length);
  await page.waitForFunction(() => /repair/.test(document.getElementById('status').textContent));

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(errors, []);
});

test('controls: labels, keyboard, swap, options', async () => {
  await open('?sample=0');
  // Every control has an accessible name.
  const named = [['combobox', 'From'], ['combobox', 'To'], ['textbox', 'Input'], ['textbox', 'Output'],
    ['checkbox', 'Repair look-alike letters'], ['checkbox', 'Keep links and @handles'], ['checkbox', 'HTML mode']];
  for (const [role, name] of named) {
    assert.equal(await page.getByRole(role, { name, exact: true }).count(), 1, `${role} named ${name}`);
  }
  for (const name of ['Swap from and to', 'Copy', 'Download']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, `button ${name}`);
  }

  await page.locator('#src').fill('Шымкент ШЫМКЕНТ');
  // Pick BGN/PCGN with the keyboard: Tab from "From" reaches "Swap", then "To".
  await page.locator('#from').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'swap');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'to');
  await page.locator('#to').selectOption('bgn-pcgn');
  assert.equal(await outputText(), 'Shymkent SHYMKENT');

  // Options take effect at once.
  await page.locator('#src').fill('https://kk.wikipedia.org/wiki/Шымкент Шымкент');
  assert.equal(await outputText(), 'https://kk.wikipedia.org/wiki/Шымкент Shymkent');
  await page.getByLabel('Keep links and @handles').uncheck();
  assert.equal(await outputText(), 'https://kk.wikipedia.org/wiki/Shymkent Shymkent');
  await page.getByLabel('Keep links and @handles').check();

  // Swap with the keyboard: the output moves to the input, and Latin to Cyrillic is not
  // available, which the page says.
  await page.locator('#src').fill('Шымкент');
  await page.locator('#swap').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#from').inputValue(), 'bgn-pcgn');
  assert.equal(await page.locator('#to').inputValue(), 'cyrl', 'auto was resolved to the detected script');
  assert.equal(await page.locator('#src').inputValue(), 'Shymkent');
  await page.waitForFunction(() => document.getElementById('status').classList.contains('error'));
  assert.match(await page.locator('#status').textContent(), /not available/);
  // Swapping back keeps the input and converts again.
  await page.locator('#swap').click();
  assert.equal(await page.locator('#from').inputValue(), 'cyrl');
  assert.equal(await page.locator('#to').inputValue(), 'bgn-pcgn');
  assert.equal(await page.locator('#src').inputValue(), 'Shymkent');
  assert.equal(await outputText(), 'Shymkent');
  assert.ok(!(await page.locator('#status').getAttribute('class'))?.includes('error'));

  // The repairs list reaches the marks from the keyboard.
  await page.locator('#src').fill('мемлекеттiк');
  await page.locator('#changes button').first().focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'MARK');
  assert.deepEqual(errors, []);
});

test('copy, download and .txt file drop', async () => {
  await open('?sample=0&to=latn-2018');
  await page.locator('#src').fill('Қазақстан Республикасы');
  const expected = jazu.convert('Қазақстан Республикасы', 'auto', 'latn-2018');
  assert.equal(await outputText(), expected);

  await page.getByRole('button', { name: 'Copy' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  assert.equal(download.suggestedFilename(), 'jazu.latn-2018.txt');
  assert.equal(readFileSync(await download.path(), 'utf8'), expected);

  // Drop a .txt file on the text area.
  await page.locator('#src').evaluate((el) => {
    const data = new DataTransfer();
    data.items.add(new File(['Алматы\n'], 'city.txt', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.getElementById('src').value === 'Алматы\n');
  assert.equal(await outputText(), jazu.convert('Алматы\n', 'auto', 'latn-2018'));
  const [named] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  assert.equal(named.suggestedFilename(), 'city.latn-2018.txt');
  assert.deepEqual(errors, []);
});
