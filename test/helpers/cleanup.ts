// Runs in every test file (vitest setupFiles): whatever tempDir() made is removed at the end.
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.js';

afterAll(removeTempDirs);
