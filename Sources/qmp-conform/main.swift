import Foundation

exit(QMPConform.main(Array(CommandLine.arguments.dropFirst())).rawValue)
