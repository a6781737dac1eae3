/// A QMP command of a resolved schema: its arguments, reply type and flags.
public struct Command: Sendable, Hashable {
    /// The command name, as sent in `execute`.
    public var name: String
    /// The object type of the `arguments` (an implicit type for inline `data`); nil when the
    /// command takes no arguments.
    public var arguments: TypeRef?
    /// Whether `data` named a type whose members are the arguments (`'boxed': true`).
    public var isBoxed: Bool
    /// The type of the success reply's `return`; nil for commands returning `{}`.
    public var returns: TypeRef?
    /// `'gen': false`: QEMU does not validate the arguments against the schema.
    public var generatesMarshalling: Bool
    /// `'success-response': false`: the command sends no reply on success.
    public var sendsSuccessResponse: Bool
    /// Whether the command may be run with `exec-oob`.
    public var allowsOOB: Bool
    /// Whether the command may be run before machine initialisation (`--preconfig`).
    public var allowsPreconfig: Bool
    /// Whether QEMU runs the command in a coroutine.
    public var isCoroutine: Bool
    /// The condition under which the command exists, if any.
    public var condition: Condition?
    /// Feature flags.
    public var features: [Feature]
    /// The doc comment.
    @Boxed public var doc: DocComment?
    /// Where the command is defined.
    public var location: SourceLocation?

    /// Creates a command.
    public init(
        name: String, arguments: TypeRef? = nil, isBoxed: Bool = false, returns: TypeRef? = nil,
        generatesMarshalling: Bool = true, sendsSuccessResponse: Bool = true, allowsOOB: Bool = false,
        allowsPreconfig: Bool = false, isCoroutine: Bool = false, condition: Condition? = nil,
        features: [Feature] = [], doc: DocComment? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.arguments = arguments
        self.isBoxed = isBoxed
        self.returns = returns
        self.generatesMarshalling = generatesMarshalling
        self.sendsSuccessResponse = sendsSuccessResponse
        self.allowsOOB = allowsOOB
        self.allowsPreconfig = allowsPreconfig
        self.isCoroutine = isCoroutine
        self.condition = condition
        self.features = features
        self.doc = doc
        self.location = location
    }

}
