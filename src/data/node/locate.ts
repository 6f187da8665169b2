/**
 * Finding a data set's files in a directory under the names they usually ship with, and the
 * one error for files that are not there: it says which directory was searched, which files
 * were expected, which are missing, and how to get them.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatasetNotFoundError } from "../errors.js";

/** One expected file: the accepted names in order of preference, and how messages show them. */
export interface FileNames {
  label: string;
  names: readonly string[];
}

/** What to look for, by key. */
export type FileSpec<K extends string> = Record<K, FileNames>;

/**
 * The path of the first existing name of every key in `dir`, or a DatasetNotFoundError
 * naming `dataset`, the directory, the files and `howToGet`.
 */
export function locateFiles<K extends string>(op: string, dataset: string, dir: string, spec: FileSpec<K>, howToGet: string): Record<K, string> {
  const isDir = existsSync(dir) && statSync(dir).isDirectory();
  const found: Partial<Record<K, string>> = {};
  const missing: string[] = [];
  for (const key of Object.keys(spec) as K[]) {
    const path = isDir ? spec[key].names.map((name) => join(dir, name)).find((p) => existsSync(p)) : undefined;
    if (path === undefined) missing.push(spec[key].label);
    else found[key] = path;
  }
  if (missing.length > 0) {
    const looked = (Object.keys(spec) as K[]).map((k) => spec[k].label).join(", ");
    throw new DatasetNotFoundError(
      `${op}: ${dataset} not found: ${isDir ? `${dir} lacks ${missing.join(", ")}` : `directory ${dir} does not exist`}. ` +
        `Looked in ${dir} for: ${looked}. ${howToGet}`,
    );
  }
  return found as Record<K, string>;
}
