import { cutGrid, shareClassifiedAs } from './classify';
import { expect, test } from './fixtures';

// The built page carries a Content-Security-Policy: the app runs under it (wasm with threads,
// the worker, the charts, exports) with no violation, and it does block what it should.
test('the app runs under its Content-Security-Policy, which blocks inline scripts', async ({
  app,
  page,
}) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await app.openOn('wasm');
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await app.waitForFrame('500');
  await page.getByRole('tab', { name: /Train/ }).click();
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await page.getByRole('tab', { name: /Sample/ }).click();
  await page.getByLabel('Class', { exact: true }).selectOption('3');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('sample-state')).toHaveText('done', { timeout: 120_000 });
  expect(await shareClassifiedAs(cutGrid(await app.pixels('sample-xt'), 16, 4), 3)).toBeGreaterThan(
    0.5,
  );
  const violations = () =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  expect(await violations()).toEqual([]);

  // An injected inline script does not run, and the browser reports it.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.injected = true';
    document.head.append(s);
    return (window as unknown as { injected?: boolean }).injected === true;
  });
  expect(ran).toBe(false);
  expect((await violations()).join()).toContain('script-src');
  // That refusal is logged as a console error by design; nothing else may be.
  expect(app.consoleErrors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
  app.consoleErrors.splice(0, app.consoleErrors.length);
});
