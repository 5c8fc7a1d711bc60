package store

import "gorm.io/gorm"

// where adds a condition when its value is set: the zero value of a filter
// field means "any".
func where[T comparable](q *gorm.DB, cond string, v T) *gorm.DB {
	var zero T
	if v == zero {
		return q
	}
	return q.Where(cond, v)
}

// page counts the rows q selects, then reads one page of them in order.
// limit 0 reads them all.
func page[T any](q *gorm.DB, order string, limit, offset int, dest *[]T) (int, error) {
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return 0, err
	}
	r := q.Session(&gorm.Session{}).Order(order)
	if limit > 0 {
		r = r.Limit(limit)
	}
	if offset > 0 {
		r = r.Offset(offset)
	}
	if err := r.Find(dest).Error; err != nil {
		return 0, err
	}
	return int(total), nil
}
