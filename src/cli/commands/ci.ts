import type { Command } from 'commander';
import { DEFAULT_GATES, parseCiProvider, renderCiWorkflow, writeCiWorkflow, type CiWorkflowOptions } from '../../automation/index.js';
import { commandCwd, commandOutput } from '../context.js';

interface CiInitFlags {
  readonly name?: string;
  readonly data: string;
  readonly schema: string;
  readonly package: string;
  readonly testData: string;
  readonly target?: string;
  readonly gate?: string[];
  readonly report: string;
  readonly branch: string;
  readonly node: string;
  readonly force?: boolean;
  readonly print?: boolean;
  readonly json?: boolean;
}

const PROVIDER_LABEL = { github: 'GitHub Actions', gitlab: 'GitLab CI' } as const;

export function registerCi(program: Command): void {
  const ci = program.command('ci').description('continuous integration for data and models');
  ci.command('init')
    .description('write a CI workflow that pulls data, validates it, reproduces the pipeline, evaluates with quality gates and registers the model on the main branch')
    .argument('<provider>', 'github (.github/workflows/paddock.yml) or gitlab (.gitlab-ci.yml)')
    .option('--name <model>', 'registered model name: compared with models:/<model>@champion, registered as challenger')
    .option('--data <file>', 'data file to validate', 'data/train.parquet')
    .option('--schema <file>', 'schema file for the data', 'schema.yaml')
    .option('--package <dir>', 'model package the pipeline produces', 'model')
    .option('--test-data <file>', 'held-out data for the evaluation', 'data/test.parquet')
    .option('--target <column>', "the label column (default: the package's task.target)")
    .option('--gate <expr>', `quality gate, repeatable (default: "${DEFAULT_GATES.join('", "')}")`, collect)
    .option('--report <file>', 'evaluation report, kept as a CI artifact', 'evaluation.html')
    .option('--branch <name>', 'branch whose pushes register the model (GitHub; GitLab uses its default branch)', 'main')
    .option('--node <version>', 'Node.js version of the CI image', '20')
    .option('-f, --force', 'overwrite an existing workflow file')
    .option('--print', 'print the workflow to stdout instead of writing it')
    .option('--json', 'print {path, provider} as JSON')
    .action(async (providerName: string, flags: CiInitFlags, cmd: Command) => {
      const provider = parseCiProvider(providerName);
      const options: CiWorkflowOptions = {
        name: flags.name,
        data: flags.data,
        schema: flags.schema,
        package: flags.package,
        testData: flags.testData,
        ...(flags.target ? { target: flags.target } : {}),
        gates: flags.gate,
        report: flags.report,
        branch: flags.branch,
        node: flags.node,
      };
      if (flags.print) {
        process.stdout.write(renderCiWorkflow(provider, options));
        return;
      }
      const written = await writeCiWorkflow(commandCwd(cmd), provider, options, { force: flags.force });
      const out = commandOutput(cmd);
      out.result(written);
      out.line(`Wrote ${written.path} (${PROVIDER_LABEL[provider]}).`);
      out.line('Add PADDOCK_TRACKING_URI, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the CI secrets, then push.');
    });
}

// Commander calls this once per --gate; without any, the plan applies the default gate.
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
