import BilagRobotLanguage

/// The robot language's expression (Foundation also has a type of this name).
public typealias Expression = BilagRobotLanguage.Expression
