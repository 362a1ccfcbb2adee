// Runs one of the cluster scripts with its progress streamed to our stderr.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { scriptsDir } from './paths.ts';

export function runScript(name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(scriptsDir, name), ...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`test/cluster/${name} ${args.join(' ')} exited with ${code}`)),
    );
  });
}
