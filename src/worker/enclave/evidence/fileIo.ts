// The few file operations the configfs-tsm and Gramine providers perform, behind an interface so a
// test can play the part of the kernel between two reads (e.g. bump `generation`). Production code
// always uses `nodeFileIo`.
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';

export interface FileIo {
  readFile(path: string): Promise<Uint8Array>;
  /** One open-write-close; pseudo-files take the whole value in one write. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Not recursive: creating a configfs entry must not create its parents. */
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
}

export const nodeFileIo: FileIo = {
  readFile: async (path) => new Uint8Array(await readFile(path)),
  writeFile: (path, data) => writeFile(path, data),
  mkdir: async (path) => {
    await mkdir(path);
  },
  rmdir: (path) => rmdir(path),
};
