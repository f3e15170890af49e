/**
 * PGlite's file system for a data folder on disk, made to create files and
 * folders private to the service's user (0600/0700).
 *
 * PGlite writes through Emscripten's NODEFS, which creates files with
 * `fs.writeFileSync(path, "", { mode })` and the mode PostgreSQL asked for
 * inside wasm (0666 for most of the initial cluster). Node applies the umask
 * to that mode; Deno 2.9.6 applies the mode as given, so the process umask
 * does not help and the WAL, password hashes included, would be readable by
 * every local user.
 *
 * @module
 */
import { NodeFS } from "@electric-sql/pglite/nodefs";

type InitResult = Awaited<ReturnType<NodeFS["init"]>>;
type PostgresModule = Parameters<NodeFS["init"]>[1];

/** The parts of Emscripten's NODEFS that set modes on the host. */
interface NodeFsOps {
  node_ops: {
    mknod(parent: unknown, name: string, mode: number, dev: number): unknown;
    setattr(node: unknown, attr: { mode?: number | null }): void;
  };
}

/** Permission bits of group and others, cleared from every mode. */
const GROUP_AND_OTHERS = 0o077;

/** {@link NodeFS} whose created files and folders, and chmods, never grant group or others. */
export class PrivateNodeFS extends NodeFS {
  /** Adds the mode mask to the Emscripten module PGlite sets up. */
  override async init(
    pg: Parameters<NodeFS["init"]>[0],
    opts: PostgresModule,
  ): Promise<InitResult> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const preRun = [emscriptenOpts.preRun ?? []].flat() as ((module: unknown) => void)[];
    return {
      emscriptenOpts: {
        ...emscriptenOpts,
        preRun: [...preRun, (module) => maskModes((module as { NODEFS: NodeFsOps }).NODEFS)],
      },
    };
  }
}

/** Patches NODEFS's operations in place: every node shares this one ops object. */
function maskModes(nodefs: NodeFsOps): void {
  const { mknod, setattr } = nodefs.node_ops;
  nodefs.node_ops.mknod = (parent, name, mode, dev) =>
    mknod(parent, name, mode & ~GROUP_AND_OTHERS, dev);
  nodefs.node_ops.setattr = (node, attr) =>
    setattr(node, attr.mode == null ? attr : { ...attr, mode: attr.mode & ~GROUP_AND_OTHERS });
}
