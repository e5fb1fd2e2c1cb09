// The media check (`inspectMedia`) and its error live in the contract package, so that core (the
// planner, tool results, attachments) and every engine here refuse the same media the same way.
export { MediaInputError } from '@hearth/engine';
