// The `glyphlm` command tree (commander): every subcommand with its flags and --help. Actions are loaded on
// demand (dynamic import), so `--help` and flag errors answer at once without loading tfjs.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError, exitCodeOf, oneLine } from './errors.js';
import type { CliIO } from './io.js';

export type { CliIO } from './io.js';

const defaultIO: CliIO = {
  stdout: (s) => { process.stdout.write(s); },
  stderr: (s) => { process.stderr.write(s); },
};

function int(name: string, min = 0): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
}

function num(name: string, min = -Infinity, exclusiveMin = false): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || (exclusiveMin && n === min)) {
      throw new InvalidArgumentError(`${name} must be a number ${exclusiveMin ? '>' : '>='} ${min}, got '${v}'`);
    }
    return n;
  };
}

function intList(name: string): (v: string) => number[] {
  return (v) => v.split(',').map((s) => int(name, 0)(s.trim()));
}

function stringList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

const tokenizerOption = (): Option =>
  new Option('-t, --tokenizer <spec>', 'bvv241-2-3, bvv241-max or a path to a Hugging Face tokenizer.json');

/** Builds the program; `io` receives commander's own output (help, errors). */
export function buildProgram(io: CliIO = defaultIO): Command {
  const program = new Command('glyphlm')
    .description('Language models over frozen pictures of Unicode glyphs: tokenize, embed, train, evaluate, and the paper\'s frozen-vs-trainable experiment')
    .option('--verbose', 'print stack traces for errors')
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();

  program.command('tokenize')
    .description('text or files -> token ids, or statistics (characters per token, <unk> rate)')
    .argument('[text...]', 'text to tokenize (or use --file)')
    .addOption(tokenizerOption().default('bvv241-2-3'))
    .option('-f, --file <paths...>', 'files to tokenize (UTF-8)')
    .option('--stats', 'print statistics instead of ids')
    .option('--show', 'print each token\'s surface string beside its id')
    .option('--json', 'machine-readable JSON output')
    .action(async (text: string[], opts) => (await import('../commands/tokenize.js')).tokenizeCommand(text, opts, io));

  program.command('embed')
    .description('tokenizer + recipe + font -> frozen embedding matrix (safetensors), glyph sheet PNG, 2-D map SVG')
    .addOption(tokenizerOption().default('bvv241-2-3'))
    .option('-r, --recipe <name>', 'embedding recipe (bvv241-2-3, bvv241-max, shaped, random-binary, ...)', 'bvv241-2-3')
    .option('--font <file>', 'font file (TTF/OTF/WOFF); default UnifontEX (bundled)')
    .option('--components <n>', 'PCA components to keep (default: the recipe\'s)', int('--components', 1))
    .requiredOption('-o, --out <file>', 'output .safetensors file')
    .option('--sheet <png>', 'also write a glyph sheet PNG of sample tokens')
    .option('--map <svg>', 'also write a 2-D map (PCA) SVG of sample tokens')
    .option('--sample <text>', 'text whose tokens the sheet and the map show', 'The quick brown fox Жизнь 人権 حقوق')
    .option('--no-cache', 'do not use the on-disk matrix cache')
    .action(async (opts) => (await import('../commands/embed.js')).embedCommand(opts, io));

  program.command('generate')
    .description('stream text from a checkpoint')
    .argument('<checkpoint>', 'checkpoint directory (config.json + model.safetensors, or a trainer dir with latest.json)')
    .requiredOption('-p, --prompt <text>', 'prompt text')
    .addOption(tokenizerOption())
    .option('-n, --max-new-tokens <n>', 'tokens to generate', int('--max-new-tokens', 1), 64)
    .option('--temperature <t>', 'sampling temperature (0 = greedy)', num('--temperature', 0), 0.8)
    .option('--top-k <k>', 'sample from the k most likely tokens', int('--top-k', 1))
    .option('--top-p <p>', 'nucleus sampling mass', num('--top-p', 0, true))
    .option('--seed <n>', 'sampling seed', int('--seed', 0), 1)
    .action(async (checkpoint: string, opts) => (await import('../commands/generate.js')).generateCommand(checkpoint, opts, io));

  program.command('train')
    .description('train one model (JSON config or flags); resumable from its checkpoint directory')
    .option('-c, --config <json>', 'JSON file with any of the flags below (flags override it)')
    .addOption(new Option('--preset <name>', 'model/size preset').choices(['tiny', 'laptop', 'desktop', 'paper-335m']))
    .addOption(new Option('--arm <arm>', 'embedding arm').choices(['frozen', 'trainable', 'trainable-from-glyph', 'random-binary']))
    .option('--corpus <files...>', 'text files to train on (default: the embedded corpus)')
    .addOption(tokenizerOption())
    .option('--steps <n>', 'optimizer steps', int('--steps', 1))
    .option('--batch-size <n>', 'rows per step', int('--batch-size', 1))
    .option('--lr <lr>', 'peak learning rate', num('--lr', 0, true))
    .option('--seed <n>', 'seed (weights, data order)', int('--seed', 0))
    .option('--workers <n>', 'data-parallel worker threads', int('--workers', 1))
    .option('--no-compact', 'keep the full vocabulary (no compact vocabulary)')
    .requiredOption('-o, --out <dir>', 'run directory (checkpoints, metrics, final model)')
    .option('--resume', 'continue from the run directory\'s latest checkpoint')
    .action(async (opts) => (await import('../commands/train.js')).trainCommand(opts, io));

  program.command('eval')
    .description('evaluate a checkpoint on MMLU (paper / harness / cloze protocol) -> report.json + report.md')
    .argument('<checkpoint>', 'checkpoint directory')
    .addOption(tokenizerOption())
    .addOption(new Option('--protocol <p>', 'evaluation protocol').choices(['paper', 'harness', 'cloze']).default('harness'))
    .addOption(new Option('--split <s>', 'MMLU split').choices(['dev', 'val', 'test']).default('test'))
    .option('--shots <n>', 'few-shot examples (harness)', int('--shots', 0), 5)
    .option('--subjects <list>', 'comma-separated subjects (default all)', stringList)
    .option('--limit-per-subject <n>', 'items per subject', int('--limit-per-subject', 1))
    .option('--runs <n>', 'sampled runs (paper protocol)', int('--runs', 1), 1)
    .option('--temperature <t>', 'sampling temperature (paper protocol; 0 = greedy)', num('--temperature', 0), 0)
    .option('--seed <n>', 'seed', int('--seed', 0), 1)
    .option('-o, --out <dir>', 'write report.json and report.md here')
    .action(async (checkpoint: string, opts) => (await import('../commands/eval.js')).evalCommand(checkpoint, opts, io));

  program.command('grow')
    .description('a trained checkpoint -> a deeper model: new blocks on top of the frozen ones, trained stage by stage on the run\'s shards')
    .argument('<checkpoint>', 'checkpoint (a train --out folder, a trainer dir with latest.json, an experiment arm folder)')
    .requiredOption('--add-layers <n>', 'blocks added (per stage)', int('--add-layers', 1))
    .addOption(new Option('--freeze <which>', 'freeze the blocks below the new ones, or train everything').choices(['below', 'none']).default('below'))
    .addOption(new Option('--init <how>', 'new blocks: identity (zero output projections) or fresh (GPT-2 init)').choices(['identity', 'fresh']).default('identity'))
    .option('--steps <n>', 'optimizer steps per stage (default: the source run\'s steps)', int('--steps', 1))
    .option('--stages <k>', 'growth stages, each adding --add-layers blocks (the author\'s recipe)', int('--stages', 1), 1)
    .option('--final-all-layers <n>', 'a last stage of n steps training every block', int('--final-all-layers', 1))
    .option('--data <dir>', 'shard folder (default: data/ in or above the checkpoint)')
    .addOption(tokenizerOption())
    .option('--batch-size <n>', 'rows per step (default: the source run\'s)', int('--batch-size', 1))
    .option('--lr <lr>', 'peak learning rate (default: the source run\'s)', num('--lr', 0, true))
    .option('--seed <n>', 'seed of the new blocks and the data order (default: the source run\'s)', int('--seed', 0))
    .option('--workers <n>', 'data-parallel worker threads', int('--workers', 1), 1)
    .requiredOption('-o, --out <dir>', 'output run folder (checkpoints/, final/, history.json)')
    .option('--resume', 'continue an interrupted growth run in --out')
    .action(async (checkpoint: string, opts) => (await import('../commands/grow.js')).growCommand(checkpoint, opts, io));

  program.command('fuse')
    .description('checkpoints trained on one frozen table -> one model averaging their logits (a fused folder eval/generate load)')
    .argument('<checkpoints...>', 'two or more checkpoints')
    .requiredOption('-o, --out <dir>', 'output fused folder (fused.json + member-<i>/)')
    .option('--weights <list>', 'comma-separated member weights (default equal)', (v: string) => v.split(',').map((x) => num('--weights', 0)(x.trim())))
    .addOption(new Option('--average <what>', 'average the logits (the author\'s) or the probabilities').choices(['logits', 'probs']).default('logits'))
    .addOption(tokenizerOption())
    .action(async (checkpoints: string[], opts) => (await import('../commands/fuse.js')).fuseCommand(checkpoints, opts, io));

  program.command('experiment')
    .description('the paper\'s experiment end to end: glyph table -> frozen / trainable / from-glyph / random-binary arms -> loss, MMLU, report')
    .addOption(new Option('--preset <name>', 'size preset (specialists, specialists-tiny: two script specialists and their fusion)').choices(['tiny', 'laptop', 'desktop', 'paper-335m', 'specialists', 'specialists-tiny']).default('laptop'))
    .option('--steps <n>', 'optimizer steps per arm and seed (default: sized to the time budget)', int('--steps', 1))
    .option('--budget <minutes>', 'minutes for the whole run; a calibration sizes the steps to fit (laptop: 15)', num('--budget', 0, true))
    .option('--seeds <list>', 'comma-separated seeds, e.g. 1,2', intList('--seeds'))
    .option('--arms <list>', 'comma-separated arms: frozen,trainable,trainable-from-glyph,random-binary', stringList)
    .option('--corpus <files...>', 'text files to train on instead of the embedded corpus')
    .addOption(tokenizerOption().default('bvv241-2-3'))
    .option('--workers <n>', 'data-parallel worker threads (default 2)', int('--workers', 1))
    .option('--no-compact', 'keep the full vocabulary (compact is on by default for tiny/laptop)')
    .option('--name <name>', 'run name (default: the preset)')
    .option('-o, --out <dir>', 'run directory (default runs/<name>)')
    .option('--resume', 'continue an interrupted run where each arm stopped (re-renders a finished one; starts a new one if there is none)')
    .option('--force', 'replace an existing finished run directory')
    .action(async (opts) => (await import('../commands/experiment.js')).experimentCommand(opts, io));

  program.command('report')
    .description('re-render report.html and report.md from run folders (their report.json)')
    .argument('<runs...>', 'run directories (or report.json files)')
    .action(async (runs: string[]) => (await import('../commands/report.js')).reportCommand(runs, io));

  program.command('export-torch')
    .description('checkpoint + optimizer + shards of a run -> a folder for torchrun (interop/python/continue_training.py)')
    .argument('[run]', 'trainer checkpoint directory (with latest.json), a train --out folder, or an experiment arm folder')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--init', 'no run yet: write a fresh step-0 run (initial weights, AdamW at step 0, shards) of --preset / --arm first')
    .addOption(new Option('--preset <name>', 'with --init: size preset').choices(['tiny', 'laptop', 'desktop', 'paper-335m']))
    .addOption(new Option('--arm <arm>', 'with --init: embedding arm').choices(['frozen', 'trainable', 'trainable-from-glyph', 'random-binary']))
    .option('--seed <n>', 'with --init: seed', int('--seed', 0))
    .option('--nproc <n>', 'processes per node in the printed torchrun command', int('--nproc', 1), 1)
    .option('--steps <n>', 'steps to continue in the printed command', int('--steps', 1), 1000)
    .action(async (run: string | undefined, opts) => (await import('../commands/torch.js')).exportTorchCommand(run, opts, io));

  program.command('import-torch')
    .description('a checkpoint directory written by the PyTorch twin -> a glyphlm trainer checkpoint (validated)')
    .argument('<dir>', 'the twin\'s checkpoint directory (latest.json + step-*/)')
    .requiredOption('-o, --out <dir>', 'output trainer checkpoint directory')
    .action(async (dir: string, opts) => (await import('../commands/torch.js')).importTorchCommand(dir, opts, io));

  return program;
}

/** Runs the command line; returns the exit code (0 ok, 1 failure, 2 bad input) instead of exiting. */
export async function runCli(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const program = buildProgram(io);
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0; // e.g. 130 after Ctrl-C stopped a run
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
      if (err.exitCode === 0) return 0;
      io.stderr(`${oneLine(new UsageError(err.message.replace(/^error: /, '')))}\n`);
      return 2;
    }
    io.stderr(`${oneLine(err)}\n`);
    if (verbose && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    else if (exitCodeOf(err) !== 2) io.stderr('glyphlm: (run with --verbose for the stack trace)\n');
    return exitCodeOf(err);
  }
}
