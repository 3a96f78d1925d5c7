extension BinaryFloatingPoint {
    /// Whether `self` is within `absoluteTolerance` of `other`, or within `relativeTolerance` of the larger
    /// magnitude of the two (swift-numerics' rule, for tests).
    public func isApproximatelyEqual(to other: Self, absoluteTolerance: Self = 0,
                                     relativeTolerance: Self = Self.ulpOfOne.squareRoot()) -> Bool {
        guard isFinite, other.isFinite else { return self == other }
        let difference = (self - other).magnitude
        return difference <= absoluteTolerance || difference <= relativeTolerance * Swift.max(magnitude, other.magnitude)
    }
}
