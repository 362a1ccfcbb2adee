// Runs the binaries build.sh made (kubectl, kube-score, ...) through tool.sh, with stdin, and returns
// what a user at a terminal would see: the exit code, stdout and stderr (where kubectl prints the API
// server's warnings).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { scriptsDir } from './paths.ts';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `bash test/cluster/tool.sh name ...args` against `kubeconfig`, with `input` on stdin. */
export function tool(kubeconfig: string, name: string, args: string[], input = ''): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(scriptsDir, 'tool.sh'), name, ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
