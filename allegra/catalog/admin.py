from django.contrib import admin

from allegra.catalog import services
from allegra.catalog.models import Category, Collection, Product, ProductImage, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_el", "name_en", "slug", "has_ring_sizes", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_en"]}
    search_fields = ["name_el", "name_en", "slug"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.catalogue_changed(product_ids=obj.products.values_list("pk", flat=True))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # only an empty category can go (products PROTECT it)
        services.catalogue_changed(product_ids=[])


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name_el", "name_en", "slug", "is_featured"]
    list_filter = ["is_featured"]
    prepopulated_fields = {"slug": ["name_en"]}
    search_fields = ["name_el", "name_en", "slug"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.catalogue_changed(product_ids=obj.products.values_list("pk", flat=True))

    def delete_model(self, request, obj):
        products = list(obj.products.values_list("pk", flat=True))
        super().delete_model(request, obj)
        services.catalogue_changed(product_ids=products)


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1
    fields = ["sku", "metal", "stone", "ring_size", "price", "stock", "position"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1
    fields = ["image", "alt_el", "alt_en", "position"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name_el", "name_en", "category", "collection", "price_from", "in_stock", "is_active"]
    list_filter = ["is_active", "in_stock", "category", "collection"]
    list_select_related = ["category", "collection"]
    search_fields = ["name_el", "name_en", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["price_from", "in_stock", "created_at", "updated_at"]
    inlines = [VariantInline, ProductImageInline]
    list_per_page = 50

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is ProductImage:
                changed = [image for image, fields in formset.changed_objects if "image" in fields]
                for image in [*formset.new_objects, *changed]:
                    services.make_renditions(image=image)
        services.product_changed(product=form.instance)
