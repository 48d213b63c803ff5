import { DescribePanel } from '../openshift/describe-panel';
import { pickCluster, pickImageStream, pickProject } from '../openshift/pick';
import type { Command } from './command';
import { commandIds } from './command-ids';

/** Everything `oc describe is NAME -n NS` prints, in a webview, with "Copy pull spec" for both repositories. */
export const describeImageStreamCommand: Command = {
  id: commandIds.describeImageStream,
  title: 'Describe Image Stream',
  async run(ctx, arg) {
    const title = 'Describe Image Stream';
    const cluster = await pickCluster(ctx, arg, title);
    const namespace = await pickProject(ctx, cluster, arg, title);
    const name = await pickImageStream(ctx, cluster, namespace, arg, title);
    DescribePanel.show(ctx, cluster.contextName, namespace, name);
  },
};
