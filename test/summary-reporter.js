// Prints the plain closing line CI reads ("tests: N passed, N failed"), after Jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    console.log('tests: ' + results.numPassedTests + ' passed, ' + results.numFailedTests + ' failed' + (skipped ? ', ' + skipped + ' skipped' : ''));
  }
}
module.exports = SummaryReporter;
