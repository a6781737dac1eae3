/// The kinds of named things an endpoint holds that commands create, use and destroy: the
/// closed set the resource model (`ResourceModel`) and `cases/resources.json` speak of.
///
/// Pipeline position: a key of `ResourceTable` and `Resource`; stateful sequences are generated
/// per kind. The order of `allCases` is the order in which a member's doc text is matched, most
/// specific first (a job's `device` member says "job identifier" and "device name").
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A block job or job (`job-id`), listed by `query-jobs`.
    case job
    /// A dirty bitmap of a block node (`node` + `name`).
    case dirtyBitmap = "dirty-bitmap"
    /// A block export (`block-export-add`).
    case blockExport = "block-export"
    /// A file descriptor set (`add-fd`).
    case fdset
    /// A qdev device (`device_add`'s `id`).
    case device
    /// A user-creatable QOM object (`object-add`'s `id`).
    case object
    /// A network backend (`netdev_add`'s `id`).
    case netdev
    /// A character device backend (`chardev-add`'s `id`).
    case chardev
    /// A block graph node (`blockdev-add`'s `node-name`).
    case blockNode = "block-node"

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
