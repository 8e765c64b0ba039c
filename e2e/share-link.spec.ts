import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A fresh browser context (no storage, no autosave) that opens `url`, as a person the link was sent to. */
async function openElsewhere(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('diffusion-playground.tour-seen', 'e2e'));
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  return page;
}

test('a copied link opens the same tab and settings in a fresh browser', async ({
  app,
  page,
  browser,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.openOn('wasm');
  // Forward tab: schedule, T, t, the digit.
  await page.getByLabel('Schedule', { exact: true }).selectOption('cosine');
  const T = page.getByLabel('Number of timesteps T');
  await T.fill('200');
  await T.press('Enter');
  await page.getByTestId('t-slider').fill('42');
  await page.getByLabel('Digit class').selectOption('3');
  // The digit follows the class at once, and the fields follow the digit on screen: wait for it,
  // or its arrival would reset the index typed next.
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 3, #0');
  await page.getByLabel('Digit index').fill('5');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 3, #5');
  // Train tab: the form over the pretrained default.
  await page.getByRole('tab', { name: /Train/ }).click();
  await app.waitForDefaultModel();
  await app.fillTrainSettings({ Batch: 32, 'Learning rate': 0.002 });
  // Sample tab: seed, sampler, class, guidance.
  await page.getByRole('tab', { name: /Sample/ }).click();
  const form = page.getByRole('region', { name: 'Sampling settings' });
  await form.getByLabel('Seed').fill('42');
  await form.getByLabel('Sampler').selectOption('ddpm');
  await form.getByLabel('Class', { exact: true }).selectOption('4');
  await form.getByLabel('Guidance scale').fill('3.5');

  await expect(page.getByText('a trained model is not in the link')).toBeVisible();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByTestId('share-status')).toHaveText('Link copied.');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(new URL(link).searchParams.get('tab')).toBe('sample');
  // The Train form's changes from the model on screen, not the model's own recipe.
  expect(new URL(link).searchParams.get('train.batchSize')).toBe('32');
  expect(link).not.toContain('train.preset');

  const other = await openElsewhere(browser, link);
  await expect(other.getByRole('tab', { name: /Sample/ })).toHaveAttribute('aria-selected', 'true');
  const otherForm = other.getByRole('region', { name: 'Sampling settings' });
  await expect(otherForm.getByLabel('Seed')).toHaveValue('42');
  await expect(otherForm.getByLabel('Sampler')).toHaveValue('ddpm');
  await expect(otherForm.getByLabel('Class', { exact: true })).toHaveValue('4');
  await expect(otherForm.getByLabel('Guidance scale')).toHaveValue('3.5');
  await other.getByRole('tab', { name: /Train/ }).click();
  // The pretrained default arrives with its own settings; the link's stay in the form.
  await expect(other.getByTestId('train-status')).toHaveText('finished', { timeout: 60_000 });
  await expect(other.getByLabel('Batch', { exact: true })).toHaveValue('32');
  await expect(other.getByLabel('Learning rate', { exact: true })).toHaveValue('0.002');
  await other.getByRole('tab', { name: /Forward/ }).click();
  await expect(other.getByLabel('Schedule', { exact: true })).toHaveValue('cosine');
  await expect(other.getByLabel('Number of timesteps T')).toHaveValue('200');
  await expect(other.getByTestId('t-value')).toHaveText('42');
  await expect(other.getByTestId('x0-source')).toHaveText('MNIST digit 3, #5');
  await expect(other.getByLabel('Digit class')).toHaveValue('3');
  await expect(other.getByTestId('notice')).toHaveCount(0);
  await other.context().close();
});

test('a link with values out of range says which and shows the defaults', async ({ browser }) => {
  const page = await openElsewhere(
    browser,
    new URL(
      '/?backend=wasm&tab=nope&T=5000&t=20&digit=3.5000&train.batchSize=0&sample.seed=-1&sample.sampler=ddim&colour=red',
      test.info().project.use.baseURL,
    ).href,
  );
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('This link has values this page cannot use');
  for (const text of [
    'Tab = “nope”',
    'Forward · T = “5000”: must be a whole number from 10 to 1000',
    'Train · Batch = “0”',
    'Sample · Seed = “-1”',
    '“colour” is not a setting of this page',
    // Checked once the digits are loaded.
    'Forward · MNIST digit = “3.5000”: class 3 has digits 0 to',
  ]) {
    await expect(notice).toContainText(text);
  }
  // Defaults where the link was wrong, its good values kept.
  await expect(page.getByRole('tab', { name: /Forward/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Number of timesteps T')).toHaveValue('1000');
  await expect(page.getByTestId('t-value')).toHaveText('20');
  await expect(page.getByTestId('x0-source')).toHaveText('MNIST digit 7, #0');
  // The address drops what it could not use.
  await expect.poll(() => new URL(page.url()).search).toBe('?backend=wasm&t=20');
  await page.getByRole('tab', { name: /Sample/ }).click();
  const form = page.getByRole('region', { name: 'Sampling settings' });
  await expect(form.getByLabel('Seed')).toHaveValue('1');
  await page.context().close();
});

test('the Create tab’s mode and settings travel in a link, and a change is written back', async ({
  browser,
}) => {
  const page = await openElsewhere(
    browser,
    new URL(
      '/?backend=wasm&tab=create&create.mode=interpolate&create.between=classes&create.from=2&create.to=5&create.frames=5&create.strength=7',
      test.info().project.use.baseURL,
    ).href,
  );
  await expect(page.getByRole('tab', { name: /Create/ })).toHaveAttribute('aria-selected', 'true');
  const settings = page.getByRole('region', { name: 'Interpolation settings' });
  await expect(settings.getByLabel('Interpolate between')).toHaveValue('classes');
  await expect(settings.getByLabel('From class')).toHaveValue('2');
  await expect(settings.getByLabel('To class')).toHaveValue('5');
  await expect(settings.getByLabel('Frames')).toHaveValue('5');
  // A strength out of range is named, and SDEdit keeps its default.
  await expect(page.getByTestId('notice')).toContainText(
    'Create · Strength = “7”: must be a number from 0.05 to 1',
  );
  await settings.getByLabel('Frames').fill('9');
  await settings.getByLabel('Frames').press('Enter');
  await expect.poll(() => new URL(page.url()).searchParams.get('create.frames')).toBe('9');
  await page.getByRole('tab', { name: 'SDEdit' }).click();
  await expect(page.getByLabel('Strength', { exact: true })).toHaveValue('0.6');
  await expect.poll(() => new URL(page.url()).searchParams.get('create.mode')).toBe(null);
  await page.context().close();
});
