import { launchChromium, openWorkbench } from './support/chromium';
import { startCodeServer, workbenchUrl } from './support/codeServer';
import { repoRoot } from './support/paths';
import { waitFor } from './support/poll';

async function main(): Promise<void> {
  const server = await startCodeServer({ name: 'probe' });
  const browser = await launchChromium();
  try {
    const page = await openWorkbench(
      browser,
      workbenchUrl(server, { folder: '/tmp/pl-dev/ws2', extensionDevelopmentPath: repoRoot }),
      'probe',
    );
    const t = Date.now();
    await waitFor(
      'status',
      async () => (await page.locator('.statusbar-item', { hasText: '·' }).count()) > 0 || undefined,
      { timeoutMs: 60000 },
    );
    console.log('status after', Date.now() - t);
    console.log(
      await page
        .locator('.statusbar-item')
        .evaluateAll((els) =>
          els.map((e) => `${e.id} | ${(e as HTMLElement).innerText} | ${e.getAttribute('aria-label')}`),
        ),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
