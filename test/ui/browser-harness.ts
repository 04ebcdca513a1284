// What every browser-mode UI test sets up: a temporary workspace (TRM_HOME), tiny runs trained by the real
// trainer, the real server, Debian's Chromium with one page that records its errors, a WebSocket API client, and
// the page helpers the tests share. Screenshots go to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { createWsClient, serverSocketUrl, type WebSocketConstructor } from '../../preload/ws-client.ts';
import type { WorkbenchApi } from '../../preload/contract.ts';
import { PACKAGE_ROOT } from '../../main/common/paths.ts';
import { ensureRendererBuilt, startServer, type RunningServer } from '../../main/server/index.ts';
import type { CreateRunOptions } from '../../main/train/run.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts');
// Headless in a container: no sandbox, GPU or background traffic; /dev/shm is small.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** The `skip` option of every browser test: a reason when there is no Chromium. */
export const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium)`;

/** A sudoku4-mlp model small enough to train 20 steps in seconds; tests add their own intervals. */
export const TINY_SUDOKU4 = {
  'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.maxSteps': '20',
  'train.evalExamples': '16', 'data.testExamples': '16',
};

/** A new temporary workspace, made TRM_HOME at once so runs trained before the server starts share its database. */
export function temporaryWorkspace(prefix: string): string {
  const workspace = mkdtempSync(join(tmpdir(), prefix));
  process.env.TRM_HOME = workspace;
  return workspace;
}

/** Creates a run and trains it to the end in this process (the real trainer); returns its id. */
export async function trainRun(options: CreateRunOptions): Promise<number> {
  // Imported here, so a skipped file never loads TensorFlow.js.
  const { createRun, trainRun: train } = await import('../../main/train/run.ts');
  const { runId } = await createRun(options);
  await train(runId);
  return runId;
}

/** Polls `condition` (in Node, so no DOM types are needed here) until it holds or `timeoutMs` passes. */
export async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface BrowserUi {
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** The API over the server's WebSocket, as the page uses it. */
  api: WorkbenchApi & { close(): void };
  /** Page errors and console errors, in order. */
  pageProblems: string[];
  /** The page problems but the WebSocket closing when a page is left. */
  unexpectedPageProblems(): string[];
  /** A fresh page load of `#/…`, so no form state carries over from the previous test. */
  open(hash: string): Promise<void>;
  /** A full-page screenshot, test-artifacts/<name>.png. */
  shot(name: string): Promise<Buffer>;
  /** Clicks the (first) button named `buttonName` inside `within` and returns the file it downloads. */
  download(buttonName: string | RegExp, within?: Locator): Promise<{ name: string; bytes: Buffer }>;
  /** Closes the client, browser and server and deletes the workspace. */
  close(): Promise<void>;
}

/** Serves `workspace` (it becomes TRM_HOME) and opens one Chromium page, recording its errors. On a failure
 *  it closes what it started and deletes the workspace. */
export async function startBrowserUi(workspace: string): Promise<BrowserUi> {
  let server: RunningServer | undefined;
  let api: BrowserUi['api'] | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    api?.close();
    await browser?.close();
    await server?.close();
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    server = await startServer({ port: 0, workspace });
    api = createWsClient(serverSocketUrl(server.url), WebSocket as unknown as WebSocketConstructor);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const pageProblems: string[] = [];
    page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`); });
    const url = server.url;
    return {
      server, browser, page, api, pageProblems, close,
      unexpectedPageProblems: () => pageProblems.filter((problem) => !/WebSocket connection .* closed/.test(problem)),
      async open(hash) {
        await page.goto('about:blank');
        await page.goto(`${url}${hash}`);
      },
      shot: (name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }),
      async download(buttonName, within = page.locator('body')) {
        const [file] = await Promise.all([page.waitForEvent('download'), within.getByRole('button', { name: buttonName }).first().click()]);
        return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
