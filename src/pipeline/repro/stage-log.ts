import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Project } from '../../core/project.js';
import type { Stage } from '../model.js';
import { addressingOf } from '../status/stage-status.js';

/** The log file of a stage: `.paddock/logs/<addressing, made file-safe>.log`. */
export function stageLogPath(project: Pick<Project, 'root' | 'stateDir'>, stage: Pick<Stage, 'file' | 'name'>): string {
  const safe = addressingOf(project, stage).replace(/dvc\.yaml:/, '').replace(/[^A-Za-z0-9._@-]+/g, '_');
  return path.join(project.stateDir, 'logs', `${safe}.log`);
}

/**
 * A stage's log, appended line by line while the command runs (so `tail -f` works) and
 * replaced on each run: it starts with the command and ends with the exit status.
 */
export class StageLog {
  private constructor(readonly file: string, private readonly stream: WriteStream) {}

  static async open(project: Pick<Project, 'root' | 'stateDir'>, stage: Stage): Promise<StageLog> {
    const file = stageLogPath(project, stage);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const stream = createWriteStream(file, { flags: 'w' });
    const log = new StageLog(file, stream);
    const cmds = typeof stage.cmd === 'string' ? [stage.cmd] : stage.cmd;
    log.stream.write(`# stage ${stage.name} started ${new Date().toISOString()} in ${stage.wdir}\n${cmds.map((c) => `> ${c}\n`).join('')}`);
    return log;
  }

  line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  /** Writes the closing line and waits until everything is on disk. */
  close(footer: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.end(`# ${footer} ${new Date().toISOString()}\n`, () => resolve());
      this.stream.once('error', reject);
    });
  }
}
