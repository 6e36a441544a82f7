/**
 * The set-up every UI test shares: a real `paddock server` in a prepared project folder and a
 * headless Chromium to drive it, closed together (browser, server, then the folder).
 */
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type UiBrowser } from './browser.js';
import { startListening, type ServeProcess } from './serve-process.js';

/** A project folder a test prepared, removed by `cleanup`. */
export interface UiProject {
  readonly dir: string;
  cleanup(): void;
}

/** A running server over a project, with the browser that drives it. */
export interface UiServer {
  /** The server's base URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly browser: UiBrowser;
  readonly server: ServeProcess;
  /** Closes the browser, stops the server and removes the project folder. */
  close(): Promise<void>;
}

/**
 * Starts `paddock server --port 0 <flags>` in `project.dir` and launches the browser. When
 * either fails, what was started is closed (and the folder removed) before the error is thrown.
 */
export async function startUiServer(project: UiProject, flags: readonly string[] = []): Promise<UiServer> {
  let server: ServeProcess | undefined;
  let browser: UiBrowser | undefined;
  const close = async (): Promise<void> => {
    try {
      await browser?.close();
      await server?.stop();
    } finally {
      project.cleanup();
    }
  };
  try {
    server = await startListening(project.dir, ['server', '--port', '0', ...flags]);
    browser = await launchBrowser();
  } catch (err) {
    await close().catch(() => undefined); // the start's error is the one worth reporting
    throw err;
  }
  return { url: server.url, browser, server, close };
}

/** The server of a `describe` block, with the project it serves; its fields are there once `beforeAll` ran. */
export interface UiSuite<P extends UiProject> extends Omit<UiServer, 'close'> {
  readonly project: P;
}

/**
 * Registers the `beforeAll` (prepare the project, then {@link startUiServer}) and `afterAll`
 * (close it all, or remove the folder when the start failed) of a UI test's `describe` block.
 */
export function useUiServer<P extends UiProject>(prepare: () => Promise<P>, flags: readonly string[] = [], timeout = 120_000): UiSuite<P> {
  let project: P | undefined;
  let env: UiServer | undefined;
  beforeAll(async () => {
    project = await prepare();
    env = await startUiServer(project, flags);
  }, timeout);
  afterAll(async () => (env ? env.close() : project?.cleanup()));
  const started = (): UiServer => {
    if (!env) throw new Error('the UI server is not started: read it inside a test, after beforeAll');
    return env;
  };
  return {
    get url() { return started().url; },
    get browser() { return started().browser; },
    get server() { return started().server; },
    get project() { started(); return project!; },
  };
}
