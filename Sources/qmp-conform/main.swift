import ConformanceKit
import Foundation

// Descendants that detach from a launched endpoint are re-parented here, and whatever is left
// when the command ends is killed: no exit path leaves a process behind. Scratch directories of
// runs that were killed outright are removed first.
ChildProcess.adoptOrphanedDescendants()
LaunchedEndpoint.removeAbandonedScratchDirectories()
let status = await Interruption.shared.run { await QMPConform.main(Array(CommandLine.arguments.dropFirst())) }
await ChildProcess.killStrayChildren()
exit(status.rawValue)
