/// An asynchronous QMP event of a resolved schema and the type of its `data`.
public struct Event: Sendable, Hashable {
    /// The event name, as in the message's `event` member.
    public var name: String
    /// The object type of `data`; nil when the event carries no data.
    public var data: TypeRef?
    /// Whether `data` named a type (`'boxed': true`).
    public var isBoxed: Bool
    /// The condition under which the event exists, if any.
    public var condition: Condition?
    /// Feature flags.
    public var features: [Feature]
    /// The doc comment.
    @Boxed public var doc: DocComment?
    /// Where the event is defined.
    public var location: SourceLocation?

    /// Creates an event.
    public init(
        name: String, data: TypeRef? = nil, isBoxed: Bool = false, condition: Condition? = nil,
        features: [Feature] = [], doc: DocComment? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.data = data
        self.isBoxed = isBoxed
        self.condition = condition
        self.features = features
        self.doc = doc
        self.location = location
    }

}
