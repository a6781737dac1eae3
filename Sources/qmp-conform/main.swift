import Foundation

exit(await QMPConform.main(Array(CommandLine.arguments.dropFirst())).rawValue)
