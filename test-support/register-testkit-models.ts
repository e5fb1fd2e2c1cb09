// Vitest setup file shared by the packages whose tests resolve the `tiny*`/`cycle` presets: the model
// package generates those files through a registered generator instead of importing the testkit.
import { registerModelFileGenerator } from '@hearth/model';
import { makeTestkitModel } from '@hearth/testkit';

registerModelFileGenerator((name) => makeTestkitModel(name));
