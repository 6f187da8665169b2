/**
 * Errors of the data layer. A corrupt or truncated file and a missing data set are different
 * problems with different fixes, so they are different classes; both messages name the file
 * or directory involved.
 */
import { MyelinError, ValueError } from "../errors.js";

/** Bytes that are not a valid file of the expected format (bad magic, truncated, lying header, …). */
export class DataFormatError extends ValueError {
  override name = "DataFormatError";
}

/** A data set whose files are not where we looked; the message says where and how to get them. */
export class DatasetNotFoundError extends MyelinError {
  override name = "DatasetNotFoundError";
}
