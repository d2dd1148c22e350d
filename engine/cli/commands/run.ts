import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load.ts';
import { startDaemon } from '../../app.ts';
import { openRuntime } from '../../daemon/runtime.ts';
import { createLogger } from '../../log.ts';
import { addConfigOption, configPath } from '../runtime-options.ts';

export function register(program: Command): void {
  addConfigOption(
    program
      .command('run')
      .description('Run the daemon: poll every configured account on its retrieval windows and send queued actions, until SIGTERM/SIGINT. Logs are JSON lines on stdout.'),
  ).action(async (opts: { config?: string }) => {
    const log = createLogger();
    const config = await loadConfigFile(configPath(opts));
    const runtime = await openRuntime(config, log);
    const daemon = startDaemon(runtime);
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string): void => {
        log.info({ signal }, 'shutdown requested');
        void daemon.stop().then(() => runtime.close()).then(resolve);
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
  });
}
